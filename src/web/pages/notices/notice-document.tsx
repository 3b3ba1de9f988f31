import { PaperClipOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { noticeLinks } from '../../api/notices';
import type { NoticeView } from '../../api/types';
import { chinaDay, chineseDate } from '../../lib/dates';
import { formatBytes } from '../../lib/labels';

/** 王馨笙、杨西博: the seeds list several contacts on one line each for names, phones, e-mails. */
const joined = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].join('、');

/** The date printed under the signature: the date of issue, else the day it went out. */
export function documentDate(notice: Pick<NoticeView, 'issueDate' | 'issuedAt'>): string | null {
  return notice.issueDate ?? (notice.issuedAt ? chinaDay(notice.issuedAt) : null);
}

/**
 * A notice laid out as an official document (GB/T 9704-2012): the issuing body's red header, the
 * 文号 over a red rule, the title, the addressees, the body, attachments, contacts, the signature
 * and the date. Printed documents come from the server (.docx/.pdf); this is the on-screen copy.
 */
export function NoticeDocument({ notice }: { notice: NoticeView }) {
  const { t } = useTranslation();
  const issuers = [notice.issuerFullName, ...notice.coIssuers.map((c) => c.name)];
  const date = documentDate(notice);
  const contacts = notice.contacts.filter((c) => c.name);

  return (
    <article className="hj-gw" data-testid="notice-document" lang="zh-CN">
      <header className="hj-gw-head">
        {issuers.length === 1 ? (
          <div className="hj-gw-issuer">{issuers[0]}文件</div>
        ) : (
          <div className="hj-gw-issuer-joint">
            <div className="hj-gw-issuer-names">
              {issuers.map((name) => (
                <div key={name}>{name}</div>
              ))}
            </div>
            <div className="hj-gw-issuer-word">文件</div>
          </div>
        )}
        <div className="hj-gw-number" data-testid="notice-document-number">
          {notice.documentNumber ?? <span className="hj-gw-placeholder">{t('noticeView.noNumber')}</span>}
        </div>
        <div className="hj-gw-rule" />
      </header>
      <h1 className="hj-gw-title" data-testid="notice-title">
        {notice.title}
      </h1>
      {notice.addresseeText && (
        <p className="hj-gw-addressee" data-testid="notice-addressees">
          {notice.addresseeText}：
        </p>
      )}
      <div className="hj-gw-body" data-testid="notice-body" dangerouslySetInnerHTML={{ __html: notice.bodyHtml }} />
      {contacts.length > 0 && (
        <div className="hj-gw-contacts" data-testid="notice-contacts">
          <p>{t('noticeView.contactLine', { name: joined(contacts.map((c) => c.name)) })}</p>
          {contacts.some((c) => c.phone) && <p>{t('noticeView.phoneLine', { phone: joined(contacts.map((c) => c.phone)) })}</p>}
          {contacts.some((c) => c.email) && <p>{t('noticeView.emailLine', { email: joined(contacts.map((c) => c.email)) })}</p>}
        </div>
      )}
      {notice.attachments.length > 0 && (
        <div className="hj-gw-attachments" data-testid="notice-attachments">
          <span className="hj-gw-attachments-label">{t('noticeView.attachments')}</span>
          <ol>
            {notice.attachments.map((a) => (
              <li key={a.fileId}>
                <a href={noticeLinks.attachment(notice.id, a.fileId)} download data-testid="notice-attachment">
                  <PaperClipOutlined /> {a.name}
                </a>
                <span className="hj-gw-size">（{formatBytes(a.size)}）</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <footer className="hj-gw-signature" data-testid="notice-signature">
        {notice.signature.map((line) => (
          <div key={line}>{line}</div>
        ))}
        <div className="hj-gw-date">{date ? chineseDate(date) : <span className="hj-gw-placeholder">{t('noticeView.noDate')}</span>}</div>
      </footer>
    </article>
  );
}
