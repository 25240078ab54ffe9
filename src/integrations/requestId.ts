import { newEventId } from '../event/ids.js';

/** Characters accepted in an incoming request id: letters, digits and `-_.:+/=@`. */
const REQUEST_ID = /^[A-Za-z0-9\-_.:+/=@]+$/;

/**
 * The request id: the incoming header's value when it is a plausible id (1 to
 * `maxLength` characters of letters, digits and `-_.:+/=@`; the first value if
 * the header was sent twice), else a new UUID v7. An invalid value is replaced
 * rather than cut or cleaned, so a recorded id always matches the caller's id
 * exactly or is clearly ours.
 */
export function resolveRequestId(headerValue: string | string[] | undefined, maxLength: number): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (value !== undefined && value.length > 0 && value.length <= maxLength && REQUEST_ID.test(value)) return value;
  return newEventId();
}
