import bcrypt from "bcryptjs";

const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A hash of a random string, compared against when the e-mail is unknown so timing does not reveal accounts. */
export const DUMMY_HASH = "$2b$10$NiqOUTuZeCgBhm8lEbEKBerFMVNzXJHxRqeoF2Y8pUFSDCk36iU8e";
