// The fields that name a referrer without a code (decision 0060), shared by POST /v1/referrals here; the
// accounts' body and import row have their own copies (accounts rank below partners).
import Type from 'typebox';
import { Ref } from '../../http/schemas.ts';

export const ReferrerFields = {
  referredBy: Type.Optional(
    Ref('The referrer account (id or externalId), named without a code (decision 0060); or code, not both'),
  ),
  referralProgram: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'With referredBy: the referral program (its code); needed when the program has several active ones',
    }),
  ),
  referredByContact: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'With referredBy: the person at the referrer who referred (a contact id of the referrer account)',
    }),
  ),
};
