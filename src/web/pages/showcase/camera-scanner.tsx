import { Alert, Button, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** How often a frame is decoded: fast enough at the door, light on a phone's battery. */
const scanIntervalMs = 200;

/**
 * Scans QR codes with the device's camera (the back one on a phone) and reports each decoded text.
 * Decoding runs in the page with jsQR, loaded only when the camera opens: BarcodeDetector is missing
 * from desktop Chrome, Safari and WeChat's browser on iOS. The camera stops when this closes.
 */
export function CameraScanner({ onCode, onClose }: { onCode: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const report = useRef(onCode);
  useEffect(() => {
    report.current = onCode;
  }, [onCode]);
  const [problem, setProblem] = useState<'unsupported' | 'denied' | null>(null);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia) return setProblem('unsupported');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        return setProblem('denied');
      }
      const element = video.current;
      if (stopped || !element) return stream.getTracks().forEach((track) => track.stop());
      element.srcObject = stream;
      await element.play().catch(() => undefined);
      const { default: jsQR } = await import('jsqr');
      const canvas = document.createElement('canvas');
      const context = canvas.getContext('2d', { willReadFrequently: true });
      const scan = () => {
        if (stopped || !context) return;
        const { videoWidth: width, videoHeight: height } = element;
        if (width > 0 && height > 0) {
          canvas.width = width;
          canvas.height = height;
          context.drawImage(element, 0, 0, width, height);
          const found = jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: 'dontInvert' });
          if (found?.data) report.current(found.data);
        }
        timer = window.setTimeout(scan, scanIntervalMs);
      };
      scan();
    })();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 420 }} data-testid="camera-scanner">
      {problem ? (
        <Alert type="warning" showIcon message={t(problem === 'denied' ? 'signups.cameraDenied' : 'signups.cameraUnsupported')} data-testid="camera-problem" />
      ) : (
        <video ref={video} muted playsInline style={{ width: '100%', background: '#000', borderRadius: 8 }} data-testid="camera-video" />
      )}
      <Button onClick={onClose} data-testid="camera-close">
        {t('signups.cameraClose')}
      </Button>
    </Space>
  );
}
