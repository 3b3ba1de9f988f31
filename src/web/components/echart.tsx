import { Spin } from 'antd';
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { EChartsCoreOption } from '../lib/echarts';
import type * as EchartsModule from '../lib/echarts';

type EChartsInstance = ReturnType<typeof EchartsModule.echarts.init>;

export interface EChartHandle {
  /** The chart as a PNG data URL (white background, twice the screen resolution). */
  pngDataUrl(): string | null;
}

const loadEcharts = () => import('../lib/echarts').then((m) => m.echarts);

/** One ECharts chart, loaded on demand and resized with its box. */
export function EChart({ option, height = 320, ref, 'data-testid': testId }: { option: EChartsCoreOption; height?: number; ref?: Ref<EChartHandle>; 'data-testid'?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsInstance | null>(null);
  const latest = useRef(option);
  const [ready, setReady] = useState(false);

  useImperativeHandle(ref, () => ({ pngDataUrl: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) ?? null }), []);

  useEffect(() => {
    let disposed = false;
    let resize: ResizeObserver | null = null;
    void loadEcharts().then((echarts) => {
      if (disposed || !box.current) return;
      const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
      instance.setOption(latest.current);
      chart.current = instance;
      resize = new ResizeObserver(() => instance.resize());
      resize.observe(box.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      resize?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    latest.current = option;
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div style={{ position: 'relative', height }} data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      <div ref={box} style={{ width: '100%', height: '100%' }} />
      {!ready && (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Spin />
        </div>
      )}
    </div>
  );
}
