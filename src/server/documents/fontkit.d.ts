/**
 * The part of fontkit (pdfkit's own font engine, shipped without type declarations) that the
 * document renderers use: coverage and advance widths for line breaking, and handing a parsed font
 * to pdfkit so it is not parsed again for every document.
 */
declare module 'fontkit' {
  export interface Glyph {
    id: number;
    advanceWidth: number;
  }

  export interface Font {
    postscriptName: string | null;
    familyName: string | null;
    unitsPerEm: number;
    ascent: number;
    descent: number;
    numGlyphs: number;
    characterSet: number[];
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): Glyph;
    layout(text: string): unknown;
  }

  export interface FontCollection {
    fonts: Font[];
    getFont(postscriptName: string): Font | null;
  }

  export function create(data: Uint8Array, postscriptName?: string): Font | FontCollection;
}
