/**
 * A failure the user can fix, with a message in words; `field` names the form field it belongs to.
 * Thrown by lib/ rules, turned into an ActionState or a 4xx response in one place.
 */
export class UserError extends Error {
  constructor(
    message: string,
    public readonly field?: string,
    public readonly status: 400 | 403 | 404 | 409 | 422 = 400,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export class NotFoundError extends UserError {
  constructor(message = "Not found.") {
    super(message, undefined, 404);
    this.name = "NotFoundError";
  }
}
