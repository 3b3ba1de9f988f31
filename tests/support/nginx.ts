import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './fault-harness';

export const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate));

const proxyRules = path.resolve(import.meta.dirname, '../../deploy/nginx/huiju-proxy.conf');

export interface RunningNginx {
  url: string;
  /** One line per request: method, path, status, the upstream(s) that answered. */
  accessLog: () => string[];
  stop: () => Promise<void>;
}

/**
 * Debian's nginx on loopback in front of the given Huiju ports, with the production proxy rules
 * (deploy/nginx/huiju-proxy.conf) included as they are.
 */
export async function startNginx(port: number, upstreamPorts: number[]): Promise<RunningNginx> {
  if (!nginxBin) throw new Error('nginx is not installed (apt-get install -y nginx-light)');
  const dir = fs.mkdtempSync('/tmp/huiju-nginx-');
  // Workers run as an unprivileged user when the test runs as root: they write their temp files here.
  fs.chmodSync(dir, 0o777);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstreams '$request_method $uri $status $upstream_addr';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream huiju {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    include ${proxyRules};
  }
}
`,
  );
  const proc: ChildProcess = spawn(nginxBin, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start: ${output}${readIfExists(path.join(dir, 'error.log'))}`);
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog: () => readIfExists(path.join(dir, 'access.log')).split('\n').filter(Boolean),
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGQUIT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readIfExists(file: string) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
