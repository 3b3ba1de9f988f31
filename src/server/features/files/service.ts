import type { Readable } from 'node:stream';
import { can, type Actor } from '../../../shared/domain/access';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, notFound } from '../../errors';
import { FileTooLargeError, storageFullCodes, type FileStore } from '../../storage/file-store';
import { cleanFileName, contentTypes, extensionOf, extensionsOf, sniffFileKind, type FileKind } from '../../storage/file-types';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { fileNameProblem, inspectOfficeZip, isExecutable, oleHasMacros, scanPdf, type UploadReader } from './inspection';

/**
 * Limits for an Office file's zip: part count, bytes really inflated, and inflated bytes per byte
 * of the file. A 20 MB Word file full of photos inflates to about its own size; text-only ones to
 * 5–20 times.
 */
const zipLimits = { maxEntries: 5_000, maxUncompressedBytes: 300 * 1024 * 1024, maxRatio: 200 };

const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`);
const kindLabel = (kinds: readonly FileKind[]) => kinds.map((k) => `.${k}`).join('、');
const fileField = [{ field: 'file', code: 'invalid' as const }];

/** Judges a stored file by its content: its real kind, no executables, no active PDFs, no bombs, no macros (zip or OLE). */
async function inspect(files: FileStore, storageKey: string, size: number, name: string): Promise<FileKind | null> {
  const head = await files.readAt(storageKey, 0, 4096);
  if (isExecutable(head)) throw new AppError('file_executable', 422, { name }, fileField);
  // Office files are zips: always judge them by inflating them (bombs, macros), never by the head alone.
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    const reader: UploadReader = {
      size,
      read: (position, length) => files.readAt(storageKey, position, length),
      stream: (start, end) => files.read(storageKey, { start, end }),
    };
    const verdict = await inspectOfficeZip(reader, zipLimits);
    if (!verdict.ok && verdict.reason === 'macros') throw new AppError('file_has_macros', 422, { name }, fileField);
    if (!verdict.ok) throw new AppError('file_zip_bomb', 422, { name }, fileField);
    return verdict.kind;
  }
  const kind = sniffFileKind(head);
  if ((kind === 'doc' || kind === 'xls') && (await oleHasMacros(files.read(storageKey)))) throw new AppError('file_has_macros', 422, { name }, fileField);
  if (kind === 'pdf') {
    const verdict = await scanPdf(files.read(storageKey));
    if (!verdict.ok && verdict.reason === 'active') throw new AppError('file_pdf_active', 422, { name, feature: `/${verdict.name}` }, fileField);
    if (!verdict.ok && verdict.reason === 'encrypted') throw new AppError('file_pdf_encrypted', 422, { name }, fileField);
    if (!verdict.ok) throw new AppError('file_pdf_malformed', 422, { name }, fileField);
  }
  return kind;
}

export interface UploadOptions {
  /** Who uploads (a public contributor is { userId: 0, username: 'public' }). */
  actor: Pick<Actor, 'userId' | 'username' | 'unitId'>;
  unitId: number;
  source: Readable;
  fileName: string;
  allowedKinds: readonly FileKind[];
  maxBytes: number;
  client: ClientInfo;
  /** Work committed in the same transaction as the file's row (a refusal there removes the file too). */
  attach?: (trx: DbOrTx, row: { id: string; original_name: string; size_bytes: string; content_type: string }) => Promise<void>;
}

/**
 * Accepts an upload: streamed to storage under a generated name with its SHA-256, then judged by
 * content. Anything refused is removed again, so a refusal stores nothing.
 */
export async function acceptUpload(db: Db, files: FileStore, options: UploadOptions) {
  if (fileNameProblem(options.fileName)) {
    options.source.resume(); // let the request finish; nothing is written
    throw new AppError('file_name_invalid', 422, {}, fileField);
  }
  const name = cleanFileName(options.fileName);
  let stored;
  try {
    stored = await files.put(options.source, options.maxBytes);
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new AppError('file_too_large', 413, { max: formatBytes(options.maxBytes) }, fileField);
    if (storageFullCodes.has((error as NodeJS.ErrnoException).code ?? '')) throw new AppError('storage_full', 507);
    throw error;
  }
  let row;
  try {
    const kind = await inspect(files, stored.storageKey, stored.size, name);
    if (!kind || !options.allowedKinds.includes(kind)) {
      throw new AppError('unsupported_file', 415, { allowed: kindLabel(options.allowedKinds) }, fileField);
    }
    if (!extensionsOf[kind].includes(extensionOf(name))) {
      throw new AppError('file_content_mismatch', 422, { name, kind: `.${kind}` }, fileField);
    }
    row = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('stored_files')
        .values({
          storage_key: stored.storageKey,
          sha256: stored.sha256,
          size_bytes: String(stored.size),
          content_type: contentTypes[kind],
          kind,
          original_name: name,
          unit_id: options.unitId,
          uploaded_by: options.actor.userId === 0 ? null : options.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertAuditEntry(trx, {
        ...actorFields(options.actor),
        // A public contributor belongs to no unit (unitId 0).
        actorUnitId: options.actor.unitId || null,
        unitId: options.unitId,
        action: 'file.upload',
        targetType: 'file',
        targetId: inserted.id,
        ip: options.client.ip,
        details: { name, kind, size: stored.size, sha256: stored.sha256 },
      });
      if (options.attach) await options.attach(trx, inserted);
      return inserted;
    });
  } catch (error) {
    await files.remove(stored.storageKey);
    throw error;
  }
  // The row is committed, so the file is kept whatever happens now: it is read where it is staged
  // until it moves, and a move cut short (a crash) is finished by `recover` at the next start.
  await files.commit(stored.storageKey).catch(() => {});
  return row;
}

/** Which of these storage keys have a committed row (start-up recovery of staged files). */
export async function committedStorageKeys(db: DbOrTx, storageKeys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < storageKeys.length; i += 1000) {
    const rows = await db.selectFrom('stored_files').select('storage_key').where('storage_key', 'in', storageKeys.slice(i, i + 1000)).execute();
    for (const r of rows) found.add(r.storage_key);
  }
  return found;
}

export async function findStoredFile(db: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return db.selectFrom('stored_files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A file the actor's own unit (or its subtree) uploaded. */
export async function loadOwnFile(db: DbOrTx, actor: Actor, id: string) {
  const file = await findStoredFile(db, id);
  if (!file || file.unit_id === null) throw notFound();
  const unit = await db.selectFrom('units').select('path').where('id', '=', file.unit_id).executeTakeFirst();
  if (!unit || !can(actor, 'units.view', unit.path)) throw notFound();
  return file;
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name for Chinese file names. */
export function contentDisposition(name: string, inline = false): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
