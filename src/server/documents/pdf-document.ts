import PDFDocument from 'pdfkit';
import { loadFallbackFaces, loadNoticeFaces, type FaceName, type FontFace } from './fonts';
import { PAGE_MM, mmToPt } from './notice-document';

/** The primary Noto SC faces and, when the text needs them, system fallback faces. */
export interface Fonts {
  faces: Record<FaceName, FontFace>;
  fallbacks: FontFace[];
}

export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: string;
}

/**
 * Opens an A4 PDF for text in Chinese: the Noto SC faces embedded as subsets, system fonts read
 * only when the primary faces miss a character of `text`. The caller draws on `doc` and ends it;
 * `done` is the finished file.
 */
export async function openCjkPdf(text: string, metadata: PdfMetadata): Promise<{ doc: PDFKit.PDFDocument; fonts: Fonts; done: Promise<Buffer> }> {
  const faces = await loadNoticeFaces();
  let missing = false;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint > 0x20 && codePoint !== 0xa0 && !faces.serif.has(codePoint)) {
      missing = true;
      break;
    }
  }
  const fonts: Fonts = { faces, fallbacks: missing ? await loadFallbackFaces() : [] };
  const doc = new PDFDocument({
    size: [mmToPt(PAGE_MM.width), mmToPt(PAGE_MM.height)],
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: metadata.title, Author: metadata.author, Subject: metadata.subject, Keywords: metadata.keywords, Creator: 'Huiju' },
  });
  for (const face of [...Object.values(faces), ...fonts.fallbacks]) {
    // pdfkit takes a parsed fontkit font too; its type declarations list only files and buffers.
    doc.registerFont(face.key, face.pdfkitFont as Buffer);
  }
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, fonts, done };
}
