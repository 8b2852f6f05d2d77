// The referral funnel's answer: codes issued → attributed → in review → converted → rewarded, and rejected.
import Type from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const FunnelSchema = Type.Object({
  referralProgram: Nullable(Type.String()),
  campaign: Nullable(Type.String()),
  codesIssued: Type.Integer(),
  attributed: Type.Integer(),
  inReview: Type.Integer(),
  converted: Type.Integer(),
  rewarded: Type.Integer(),
  rejected: Type.Integer(),
});
