// English: the reference catalog. Every other language has exactly these keys (test/portal/messages.test.ts).
// {name} marks a value; a plural is an object of the language's plural categories (Intl.PluralRules).
export const en = {
  languageName: 'English',
  language: 'Language',
  nav: { label: 'Portal sections', home: 'Home', history: 'History', rewards: 'Rewards', mine: 'My rewards' },
  hello: 'Hello, {name}',
  signOut: 'Sign out',
  loading: 'Loading…',
  failed: 'Something went wrong. Please try again.',
  retry: 'Try again',
  signedOut: {
    title: 'You are signed out',
    body: "Open the portal again from your company's site to sign in.",
    linkUsed:
      'This link has been used already or has expired. Open the portal again from your company’s site.',
  },
  home: {
    title: 'Your points',
    available: 'Available',
    worth: 'Worth {money}',
    pending: 'Pending',
    held: 'Reserved for rewards',
    expiringTitle: 'Expiring soon',
    expiringNone: 'No points expire in the next 90 days.',
    expiringLine: '{points} on {date}',
    tierTitle: 'Status',
    tierNone: 'No status yet',
    tierCurrent: 'You are {tier}',
    tierNext: '{needed} more to reach {tier} by {date}',
    tierTop: 'You have reached the highest status.',
    tierProgress: 'Progress to {tier}',
  },
  points: { one: '{n} point', other: '{n} points' },
  history: {
    title: 'History',
    filter: 'Show',
    all: 'Everything',
    types: {
      earn: 'Earned',
      redeem: 'Redeemed',
      expire: 'Expired',
      adjust: 'Adjusted',
      reverse: 'Reversed',
      transfer: 'Transferred',
    },
    date: 'Date',
    what: 'What',
    change: 'Points',
    balance: 'Balance',
    none: 'Nothing here yet.',
    more: 'Show more',
    pendingUntil: 'pending until {date}',
  },
  rewards: {
    title: 'Rewards',
    none: 'No rewards are on offer right now.',
    redeem: 'Redeem',
    redeeming: 'Redeeming…',
    short: { one: '{n} point short', other: '{n} points short' },
    needs: 'Needs {tier}',
    outOfStock: 'Out of stock',
    unavailable: 'Not available to you',
    waiting: '{reward}: requested, waiting for approval',
    done: '{reward}: redeemed',
  },
  mine: {
    title: 'My rewards',
    none: 'You have not redeemed anything yet.',
    requested: 'Requested on {date}',
    code: 'Your code',
    status: {
      pending_approval: 'Waiting for approval',
      approved: 'Approved',
      fulfilled: 'Approved and delivered',
      rejected: 'Not approved',
      cancelled: 'Cancelled',
      failed: 'Could not be delivered',
    },
  },
};

export type Plural = {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
};
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : T[K] extends Plural ? Plural : Shape<T[K]> };
export type Messages = Shape<typeof en>;
