import { stringify } from 'csv-stringify/sync';

/**
 * RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled) with a UTF-8 byte order mark, so spreadsheet programs read Arabic names as Arabic.
 */
export function toCsv(header: readonly string[], records: readonly (readonly string[])[]): string {
  return stringify([header, ...records] as string[][], { bom: true, record_delimiter: 'windows' });
}
