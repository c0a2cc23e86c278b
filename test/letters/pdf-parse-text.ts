/** A letter PDF's text as a reader's tool extracts it (pdf-parse, on pdf.js): what the letter tests check, rather than its bytes. */
import { PDFParse } from 'pdf-parse';

export async function letterPdfText(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}
