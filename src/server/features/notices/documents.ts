import type { NoticeDocumentInput } from '../../documents/notice-document';
import type { DbOrTx } from '../../db/database';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import type { NoticeContact } from '../../db/schema';
import type { NoticeRow } from './repository';
import type { loadNoticeParts } from './service';

/** The printable form of a notice: issuers (with co-issuers), 文号, addressees, body, attachments. */
export async function noticeDocumentInput(
  db: DbOrTx,
  notice: NoticeRow,
  parts: Awaited<ReturnType<typeof loadNoticeParts>>,
): Promise<NoticeDocumentInput> {
  const coIssuerNames = parts.coIssuers.map((c) => c.name);
  const upstream = parts.upstream[0];
  const upstreamIssuer = upstream
    ? await db.selectFrom('notices as n').innerJoin('units as u', 'u.id', 'n.issuer_unit_id').select('u.name').where('n.id', '=', upstream.id).executeTakeFirst()
    : undefined;
  return {
    issuers: [notice.issuer_name, ...coIssuerNames],
    documentNumber: notice.document_number ?? '',
    title: notice.title,
    addressees: notice.addressee_text,
    bodyHtml: notice.body_html,
    attachments: parts.attachments.map((a) => a.name),
    contacts: (notice.contacts as NoticeContact[]).map((c) => ({ name: c.name, phone: c.phone, email: c.email })),
    issueDate: notice.issue_date ?? chinaDateOf(new Date()),
    signature: notice.signature.length > 0 ? notice.signature : [notice.issuer_name, ...coIssuerNames],
    forwardOf: upstream ? { documentNumber: upstream.document_number ?? '', title: upstream.title, issuer: upstreamIssuer?.name ?? upstream.issuer_name } : null,
  };
}

/** Renderers load on first use: pdfkit and the CJK fonts cost start-up time most processes never need. */
export async function renderNoticeFile(format: 'docx' | 'pdf', input: NoticeDocumentInput): Promise<{ buffer: Buffer; contentType: string }> {
  if (format === 'docx') {
    const { renderNoticeDocx } = await import('../../documents/notice-docx');
    return { buffer: await renderNoticeDocx(input), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
  }
  const { renderNoticePdf } = await import('../../documents/notice-pdf');
  return { buffer: await renderNoticePdf(input), contentType: 'application/pdf' };
}
