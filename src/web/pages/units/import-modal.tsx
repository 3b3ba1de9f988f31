import { DownloadOutlined, FileExcelOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Modal, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useRef, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, download } from '../../api/client';
import type { ImportReport, ImportRowReport } from '../../api/types';
import { isSessionEnd, useErrorText } from '../../lib/errors';
import { saveBlob } from '../../lib/download';
import { formatBytes } from '../../lib/labels';

const maxBytes = 10 * 1024 * 1024;
const allowedExtensions = ['.xlsx', '.csv'];

function isImportReport(value: unknown): value is ImportReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as ImportReport).rows) && typeof (value as ImportReport).applied === 'boolean';
}

interface ImportModalProps {
  onClose: () => void;
  /** The roster was imported: the tree must be reloaded. */
  onImported: () => void;
}

/** 导入名册: check first (dry run), then import — all rows or none. */
export function ImportModal({ onClose, onImported }: ImportModalProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [report, setReport] = useState<{ report: ImportReport; dryRun: boolean } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [onlyRejected, setOnlyRejected] = useState(false);
  const [templateBusy, setTemplateBusy] = useState(false);

  const upload = useMutation({
    mutationFn: async ({ dryRun }: { dryRun: boolean }) => {
      if (!file) throw new Error('no file');
      const form = new FormData();
      form.append('file', file, file.name);
      try {
        return { report: await api.upload<ImportReport>('/units/import', form, { query: { dryRun } }), dryRun };
      } catch (error) {
        // 422 with a report: rows were rejected and nothing was imported.
        if (error instanceof ApiError && isImportReport(error.body)) return { report: error.body, dryRun };
        throw error;
      }
    },
    onMutate: () => {
      setFailure(null);
      setReport(null);
    },
    onSuccess: (result) => {
      setReport(result);
      setOnlyRejected(false);
      if (result.report.applied) onImported();
    },
    onError: (error) => {
      if (!isSessionEnd(error)) setFailure(errorText(error));
    },
  });

  const chooseFile = (chosen: File | null) => {
    setReport(null);
    setFailure(null);
    if (!chosen) {
      setFile(null);
      setFileProblem(null);
      return;
    }
    const lower = chosen.name.toLowerCase();
    if (!allowedExtensions.some((ext) => lower.endsWith(ext))) setFileProblem(t('import.wrongType'));
    else if (chosen.size > maxBytes) setFileProblem(t('import.tooLarge'));
    else setFileProblem(null);
    setFile(chosen);
  };

  const downloadTemplate = async () => {
    setTemplateBusy(true);
    try {
      const { blob, filename } = await download('/units/import-template.xlsx');
      saveBlob(blob, filename ?? 'roster-template.xlsx');
    } catch (error) {
      if (!isSessionEnd(error)) setFailure(errorText(error));
    } finally {
      setTemplateBusy(false);
    }
  };

  const outcomeTag = (outcome: ImportRowReport['outcome']) =>
    outcome === 'create' ? (
      <Tag color="green">{t('import.outcomeCreate')}</Tag>
    ) : outcome === 'update' ? (
      <Tag color="blue">{t('import.outcomeUpdate')}</Tag>
    ) : (
      <Tag color="red">{t('import.outcomeRejected')}</Tag>
    );

  const columns: TableColumnsType<ImportRowReport> = [
    { key: 'row', dataIndex: 'row', title: t('import.row'), width: 80 },
    { key: 'name', dataIndex: 'name', title: t('import.name'), width: 240 },
    { key: 'outcome', dataIndex: 'outcome', title: t('import.outcome'), width: 110, render: outcomeTag },
    {
      key: 'problems',
      dataIndex: 'problems',
      title: t('import.problems'),
      render: (problems: string[]) =>
        problems.length === 0 ? null : (
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {problems.map((p) => (
              <li key={p}>
                <Typography.Text type="danger">{p}</Typography.Text>
              </li>
            ))}
          </ul>
        ),
    },
  ];

  // Rows with problems first, so they are seen without paging.
  const rows = report
    ? [...report.report.rows]
        .filter((r) => !onlyRejected || r.outcome === 'rejected')
        .sort((a, b) => Number(b.outcome === 'rejected') - Number(a.outcome === 'rejected') || a.row - b.row)
    : [];

  let summary: { type: 'success' | 'warning' | 'error' | 'info'; text: string } | null = null;
  if (report) {
    const counts = { created: report.report.created, updated: report.report.updated, rejected: report.report.rejected };
    if (report.report.applied) summary = { type: 'success', text: t('import.summaryApplied', counts) };
    else if (report.report.rejected > 0 && !report.dryRun) summary = { type: 'error', text: t('import.summaryRejected', counts) };
    else if (report.report.rejected > 0) summary = { type: 'warning', text: t('import.summaryDryRun', counts) };
    else summary = { type: 'success', text: `${t('import.summaryDryRun', counts)} ${t('import.dryRunOk')}` };
  }
  const ready = file !== null && fileProblem === null;

  return (
    <Modal
      open
      width={960}
      title={t('import.title')}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose}>
          {t('common.close')}
        </Button>,
        <Button
          key="dry"
          data-testid="import-dry-run"
          disabled={!ready || upload.isPending}
          loading={upload.isPending && upload.variables?.dryRun === true}
          onClick={() => upload.mutate({ dryRun: true })}
        >
          {t('import.dryRun')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          data-testid="import-submit"
          icon={<UploadOutlined />}
          disabled={!ready || upload.isPending || report?.report.applied === true}
          loading={upload.isPending && upload.variables?.dryRun === false}
          onClick={() => upload.mutate({ dryRun: false })}
        >
          {t('import.submit')}
        </Button>,
      ]}
    >
      <Typography.Paragraph>{t('import.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button icon={<DownloadOutlined />} loading={templateBusy} onClick={() => void downloadTemplate()} data-testid="import-template">
          {t('import.template')}
        </Button>
        <input
          ref={inputRef}
          id="file"
          name="file"
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          className="hj-visually-hidden"
          data-testid="import-file"
          onChange={(event) => chooseFile(event.target.files?.[0] ?? null)}
        />
        <Button
          icon={<FileExcelOutlined />}
          onClick={() => {
            const input = inputRef.current;
            if (!input) return;
            input.value = ''; // choosing the same (edited) file again must count as a new choice
            input.click();
          }}
        >
          {t('import.chooseFile')}
        </Button>
        <Typography.Text type={file ? undefined : 'secondary'} data-testid="import-file-name">
          {file ? t('import.fileInfo', { name: file.name, size: formatBytes(file.size) }) : t('import.noFile')}
        </Typography.Text>
      </Space>
      {fileProblem && <Alert type="error" showIcon title={fileProblem} style={{ marginBottom: 16 }} />}
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="import-error" />}
      {summary && <Alert type={summary.type} showIcon title={summary.text} style={{ marginBottom: 16 }} data-testid="import-summary" />}
      {report && (
        <>
          {report.report.rejected > 0 && (
            <Space style={{ marginBottom: 8 }}>
              <Switch size="small" checked={onlyRejected} onChange={setOnlyRejected} />
              <span>{t('import.onlyRejected')}</span>
            </Space>
          )}
          <div data-testid="import-report">
            <Table<ImportRowReport>
              size="small"
              rowKey="row"
              columns={columns}
              dataSource={rows}
              pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
              scroll={{ y: 400 }}
              rowClassName={(row) => (row.outcome === 'rejected' ? 'hj-row-rejected' : '')}
              onRow={(row) =>
                ({ 'data-testid': row.outcome === 'rejected' ? 'import-report-rejected' : 'import-report-row' }) as HTMLAttributes<HTMLElement>
              }
            />
          </div>
        </>
      )}
    </Modal>
  );
}
