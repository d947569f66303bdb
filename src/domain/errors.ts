/** Errors the application answers with on purpose; `onError` maps them to a status once. */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export class BadRequest extends DomainError {
  constructor(message = 'The request is malformed.', fields?: Record<string, string>) {
    super(400, 'bad_request', message, fields);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Please sign in.') {
    super(401, 'unauthenticated', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You are not allowed to do this.') {
    super(403, 'forbidden', message);
  }
}

/** Unknown ids and other tenants' ids alike: never reveal which. */
export class NotFound extends DomainError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class ValidationFailed extends DomainError {
  constructor(fields: Record<string, string>, message = 'Please correct the highlighted fields.') {
    super(422, 'validation_failed', message, fields);
  }
}
