import { App, Button, Upload } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { useErrorText } from '../lib/errors';

export interface UploadedFile {
  id: string;
  name: string;
}

/**
 * Uploads one JPG or PNG to the file store for `unitId` (checked there by content and size) and
 * hands the stored file over; a refusal shows the server's message.
 */
export function ImageUploadButton({
  unitId,
  onUploaded,
  disabled,
  icon,
  children,
  'data-testid': testId,
}: {
  unitId: number | undefined;
  onUploaded: (file: UploadedFile) => void;
  disabled?: boolean;
  icon?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}) {
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [uploading, setUploading] = useState(false);
  const upload = async (file: File) => {
    if (unitId === undefined) return;
    setUploading(true);
    try {
      const data = new FormData();
      data.append('file', file);
      onUploaded(await api.upload<UploadedFile>(`/files?unitId=${unitId}`, data));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setUploading(false);
    }
  };
  return (
    <Upload
      accept=".jpg,.jpeg,.png"
      showUploadList={false}
      beforeUpload={(file) => {
        void upload(file);
        return false;
      }}
      disabled={disabled || unitId === undefined}
    >
      <Button icon={icon} loading={uploading} data-testid={testId}>
        {children}
      </Button>
    </Upload>
  );
}
