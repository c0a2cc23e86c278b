/** A template refused when saved or loaded: names the file and the line. */
import path from 'node:path';
import { InvalidInput } from '../errors.ts';

export class TemplateError extends InvalidInput {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    more = 0,
  ) {
    const relative = path.relative(process.cwd(), file);
    const shown = relative && !relative.startsWith('..') ? relative : file;
    const suffix = more > 0 ? ` (and ${more} more)` : '';
    super(`${shown} line ${line}: ${reason}${suffix}`, { field: 'template', file: shown, line });
  }
}
