// Issue 19, forty-first session: kafkajs 2.2.4 groups a produce request's messages by partition with a copy per message
// ([...current, message]); this times it against a linear grouping. From the repository root: node bench/results/s41/group-messages.cjs
const g = require('kafkajs/src/producer/groupMessagesPerPartition.js');
const pm = Array.from({length: 12}, (_, i) => ({partitionId: i}));
function lin({ topic, partitionMetadata, messages, partitioner }) {
  if (partitionMetadata.length === 0) return {};
  const result = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const current = result[partition];
    if (current === undefined) result[partition] = [message]; else current.push(message);
  }
  return result;
}
for (const N of [10, 100, 500, 2000]) for (const P of [1, 12]) {
  const msgs = Array.from({length: N}, (_, i) => ({ value: 'x', i }));
  const partitioner = ({message}) => message.i % P;
  for (const [name, f] of [['kafkajs', g], ['linear', lin]]) {
    const reps = Math.max(3, Math.floor(200000 / N));
    for (let i = 0; i < 50; i++) f({topic: 't', partitionMetadata: pm, messages: msgs, partitioner});
    const t = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f({topic: 't', partitionMetadata: pm, messages: msgs, partitioner});
    const us = Number(process.hrtime.bigint() - t) / 1e3 / reps;
    console.log(`N=${N} P=${P} ${name}: ${us.toFixed(1)} µs per call, ${(us*1000/N).toFixed(0)} ns per message`);
  }
}
