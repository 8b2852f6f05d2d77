// The words of statements per language (decisions 0027, 0037): the figures, the reasons points were
// earned for, the other movements, what expires next, the tier and the rewards within reach. A
// reason code a program made up itself (API credits) is shown as written. `{days}`, `{tier}`,
// `{ladder}`, `{needed}`, `{short}`, `{unit}`, `{metric}` are filled in by statement-mail.ts.
import type { MailLocale } from './mail.ts';

export interface StatementWords {
  period: string;
  unit: string;
  opening: string;
  earned: string;
  adjusted: string;
  redeemed: string;
  expired: string;
  other: string;
  closing: string;
  expiringSoon: string;
  expiringNext: string;
  none: string;
  tier: string;
  noTier: string;
  /** `{metric}` of the window ending with the period. */
  metric: string;
  /** `{needed}` more for `{tier}`. */
  next: string;
  top: string;
  rewards: string;
  /** Affordable now. */
  canRedeem: string;
  /** `{short}` `{unit}` short. */
  short: string;
  /** Reason codes of earn entries the engine writes. */
  reasons: Record<string, string>;
  /** Entry types counted in `other`. */
  types: Record<string, string>;
}

export const STATEMENT_WORDS: Record<MailLocale, StatementWords> = {
  en: {
    period: 'Period',
    unit: 'Unit',
    opening: 'Opening balance',
    earned: 'Earned',
    adjusted: 'Adjusted',
    redeemed: 'Redeemed',
    expired: 'Expired',
    other: 'Returns, refunds and transfers',
    closing: 'Closing balance',
    expiringSoon: 'Expiring within {days} days',
    expiringNext: 'Expiring next',
    none: 'No movements.',
    tier: 'Tier',
    noTier: 'No tier yet',
    metric: 'Qualifying total: {metric}',
    next: '{needed} more to reach {tier}',
    top: 'The highest tier',
    rewards: 'Rewards within reach',
    canRedeem: 'Yours to redeem now',
    short: '{short} {unit} to go',
    reasons: {
      earn_rule: 'Purchases and activity',
      cashback: 'Cashback',
      referral_referrer: 'Referrals',
      referral_referred: 'Referral welcome',
      challenge_completed: 'Challenges',
      membership_service_credit: 'Membership credit',
      automation: 'Automations',
      commission: 'Commissions',
      purchase: 'Purchases',
      reward_refund: 'Refunds',
      points_conversion: 'Points converted to cash',
    },
    types: { reverse: 'Returns and refunds', transfer: 'Transfers' },
  },
  id: {
    period: 'Periode',
    unit: 'Satuan',
    opening: 'Saldo awal',
    earned: 'Diperoleh',
    adjusted: 'Penyesuaian',
    redeemed: 'Ditukarkan',
    expired: 'Kedaluwarsa',
    other: 'Pengembalian dan transfer',
    closing: 'Saldo akhir',
    expiringSoon: 'Kedaluwarsa dalam {days} hari',
    expiringNext: 'Akan kedaluwarsa',
    none: 'Tidak ada pergerakan.',
    tier: 'Tingkat',
    noTier: 'Belum ada tingkat',
    metric: 'Total kualifikasi: {metric}',
    next: '{needed} lagi untuk mencapai {tier}',
    top: 'Tingkat tertinggi',
    rewards: 'Hadiah yang dapat dijangkau',
    canRedeem: 'Bisa ditukar sekarang',
    short: 'Kurang {short} {unit}',
    reasons: {
      earn_rule: 'Pembelian dan aktivitas',
      cashback: 'Cashback',
      referral_referrer: 'Referensi',
      referral_referred: 'Sambutan referensi',
      challenge_completed: 'Tantangan',
      membership_service_credit: 'Kredit keanggotaan',
      automation: 'Otomatisasi',
      commission: 'Komisi',
      purchase: 'Pembelian',
      reward_refund: 'Pengembalian dana',
      points_conversion: 'Poin ditukar menjadi uang tunai',
    },
    types: { reverse: 'Retur dan pengembalian dana', transfer: 'Transfer' },
  },
  pl: {
    period: 'Okres',
    unit: 'Jednostka',
    opening: 'Saldo początkowe',
    earned: 'Zdobyte',
    adjusted: 'Korekty',
    redeemed: 'Wymienione',
    expired: 'Wygasłe',
    other: 'Zwroty i przeniesienia',
    closing: 'Saldo końcowe',
    expiringSoon: 'Wygasa w ciągu {days} dni',
    expiringNext: 'Wkrótce wygaśnie',
    none: 'Brak ruchów.',
    tier: 'Poziom',
    noTier: 'Jeszcze bez poziomu',
    metric: 'Suma kwalifikująca: {metric}',
    next: 'Brakuje {needed} do poziomu {tier}',
    top: 'Najwyższy poziom',
    rewards: 'Nagrody w zasięgu',
    canRedeem: 'Możesz wymienić już teraz',
    short: 'Brakuje {short} {unit}',
    reasons: {
      earn_rule: 'Zakupy i aktywność',
      cashback: 'Cashback',
      referral_referrer: 'Polecenia',
      referral_referred: 'Powitanie z polecenia',
      challenge_completed: 'Wyzwania',
      membership_service_credit: 'Kredyt członkowski',
      automation: 'Automatyzacje',
      commission: 'Prowizje',
      purchase: 'Zakupy',
      reward_refund: 'Zwroty',
      points_conversion: 'Punkty wymienione na gotówkę',
    },
    types: { reverse: 'Zwroty', transfer: 'Przeniesienia' },
  },
  fa: {
    period: 'دوره',
    unit: 'واحد',
    opening: 'مانده ابتدای دوره',
    earned: 'کسب‌شده',
    adjusted: 'اصلاحیه',
    redeemed: 'تبدیل‌شده',
    expired: 'منقضی‌شده',
    other: 'مرجوعی‌ها، بازپرداخت‌ها و انتقال‌ها',
    closing: 'مانده پایان دوره',
    expiringSoon: 'منقضی در {days} روز آینده',
    expiringNext: 'انقضای پیش رو',
    none: 'گردشی نبود.',
    tier: 'سطح',
    noTier: 'هنوز سطحی ندارد',
    metric: 'مجموع واجد شرایط: {metric}',
    next: '{needed} دیگر تا سطح {tier}',
    top: 'بالاترین سطح',
    rewards: 'جوایز در دسترس',
    canRedeem: 'هم‌اکنون قابل تبدیل',
    short: '{short} {unit} مانده',
    reasons: {
      earn_rule: 'خریدها و فعالیت',
      cashback: 'بازگشت نقدی',
      referral_referrer: 'معرفی‌ها',
      referral_referred: 'هدیهٔ خوشامد معرفی',
      challenge_completed: 'چالش‌ها',
      membership_service_credit: 'اعتبار عضویت',
      automation: 'خودکارسازی‌ها',
      commission: 'کمیسیون‌ها',
      purchase: 'خریدها',
      reward_refund: 'بازپرداخت‌ها',
      points_conversion: 'تبدیل امتیاز به وجه نقد',
    },
    types: { reverse: 'مرجوعی‌ها و بازپرداخت‌ها', transfer: 'انتقال‌ها' },
  },
  th: {
    period: 'งวด',
    unit: 'หน่วย',
    opening: 'ยอดยกมา',
    earned: 'ได้รับ',
    adjusted: 'ปรับปรุง',
    redeemed: 'แลกแล้ว',
    expired: 'หมดอายุ',
    other: 'การคืนสินค้า การคืนเงิน และการโอน',
    closing: 'ยอดคงเหลือ',
    expiringSoon: 'จะหมดอายุภายใน {days} วัน',
    expiringNext: 'จะหมดอายุเร็วๆ นี้',
    none: 'ไม่มีความเคลื่อนไหว',
    tier: 'ระดับ',
    noTier: 'ยังไม่มีระดับ',
    metric: 'ยอดสะสมเพื่อจัดระดับ: {metric}',
    next: 'อีก {needed} เพื่อไปถึงระดับ {tier}',
    top: 'ระดับสูงสุด',
    rewards: 'รางวัลที่ใกล้จะแลกได้',
    canRedeem: 'แลกได้แล้ว',
    short: 'ขาดอีก {short} {unit}',
    reasons: {
      earn_rule: 'การซื้อและกิจกรรม',
      cashback: 'เงินคืน',
      referral_referrer: 'การแนะนำ',
      referral_referred: 'ของขวัญต้อนรับจากการแนะนำ',
      challenge_completed: 'ภารกิจ',
      membership_service_credit: 'เครดิตสมาชิก',
      automation: 'ระบบอัตโนมัติ',
      commission: 'ค่าคอมมิชชัน',
      purchase: 'การซื้อ',
      reward_refund: 'การคืนเงิน',
      points_conversion: 'แลกคะแนนเป็นเงินสด',
    },
    types: { reverse: 'การคืนสินค้าและการคืนเงิน', transfer: 'การโอน' },
  },
};

/** A reason code in words (`automation_*` as automations), else the code as written. */
export function reasonLabel(locale: MailLocale, reason: string): string {
  const r = STATEMENT_WORDS[locale].reasons;
  return r[reason] ?? (reason.startsWith('automation_') ? r.automation! : reason);
}

/** An entry type of `other` in words, else the type as written. */
export const typeLabel = (locale: MailLocale, type: string) => STATEMENT_WORDS[locale].types[type] ?? type;
