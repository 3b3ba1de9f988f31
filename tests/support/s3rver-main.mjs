// An S3-compatible server on loopback for tests (s3rver), in its own process so that the memory
// figures of the process under test are its own. Prints `{"port":N}` once listening.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
