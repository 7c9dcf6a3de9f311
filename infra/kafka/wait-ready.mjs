// Waits until a kafkajs admin client gets an answer from the broker (describeCluster), or gives up.
// Usage: node wait-ready.mjs 127.0.0.1:<port> [timeoutSeconds]
import kafkajs from 'kafkajs';

const [broker, timeoutArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg ?? 90) * 1000;
const kafka = new kafkajs.Kafka({ clientId: 'casetrail-infra-wait', brokers: [broker], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 } });
for (;;) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    console.log(`kafka ready: cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`);
    process.exit(0);
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    if (Date.now() > deadline) {
      console.error(`kafka did not answer at ${broker}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
