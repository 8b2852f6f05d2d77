// What other modules may read of accounts directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the accounts service.
export {};
