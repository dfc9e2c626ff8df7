// What a source refuses: a body that is not what its sender's format promises. A ValidationError, so
// each problem has a path (['body', 'entry', '0', 'changes']) and the API maps it as it maps any.

import { ValidationError, type FieldError } from '../errors.ts';

export class SourcePayloadError extends ValidationError {
  constructor(fieldErrors: FieldError[]) {
    super(fieldErrors, `The body was refused: ${fieldErrors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
    this.name = 'SourcePayloadError';
  }

  static at(path: string[], message: string): SourcePayloadError {
    return new SourcePayloadError([{ path, message }]);
  }
}
