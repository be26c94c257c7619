// Child process for crash.test.ts: commits `committed` resources, then opens a transaction, writes into it, reports
// "in-transaction" on stdout and waits to be killed with SIGKILL.
import type { Patient } from '@medplum/fhirtypes';

import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';

const [path, committedArg] = process.argv.slice(2);
initFhirDefinitions();
const repo = new SqliteRepository(path as string, { validate: false });
const committed = Number(committedArg);
await repo.bulkLoad(
  Array.from({ length: committed }, (_, i): Patient => ({
    resourceType: 'Patient',
    id: `c${i}`,
    gender: 'female',
  })),
);
process.stdout.write('committed\n');
await repo.withTransaction(
  async (tx) => {
    for (let i = 0; i < 2000; i++) {
      await tx.createResource<Patient>(
        { resourceType: 'Patient', id: `t${i}`, gender: 'male' },
        { assignedId: true },
      );
      if (i % 100 === 0) {
        await tx.updateResource<Patient>({
          resourceType: 'Patient',
          id: `c${i % committed}`,
          gender: 'other',
        });
      }
    }
    process.stdout.write('in-transaction\n');
    await new Promise(() => undefined); // hold the transaction open until killed
  },
  { resourceTypes: ['Patient'] },
);
