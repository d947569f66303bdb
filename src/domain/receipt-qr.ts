/**
 * The QR payload of a Saudi simplified tax invoice: base64 of TLV records — tag byte, length
 * byte, UTF-8 value — tag 1 seller name, 2 VAT number, 3 timestamp (ISO 8601), 4 total with
 * VAT, 5 VAT amount.
 */
export interface ReceiptQrFields {
  seller: string;
  vatNumber: string;
  timestamp: string;
  total: string;
  vat: string;
}

export function receiptTlv(fields: ReceiptQrFields): string {
  const values = [fields.seller, fields.vatNumber, fields.timestamp, fields.total, fields.vat];
  const records = values.map((value, index) => {
    const bytes = Buffer.from(value, 'utf8');
    // one length byte: a longer value (a very long seller name) is cut at a character boundary
    const fitted = bytes.length <= 255 ? bytes : fitUtf8(value, 255);
    return Buffer.concat([Buffer.from([index + 1, fitted.length]), fitted]);
  });
  return Buffer.concat(records).toString('base64');
}

function fitUtf8(value: string, maxBytes: number): Buffer {
  let text = '';
  for (const character of value) {
    if (Buffer.byteLength(text + character, 'utf8') > maxBytes) break;
    text += character;
  }
  return Buffer.from(text, 'utf8');
}
