// The README's vicsim/testing example: aim the model-based runner at any Backend.
import { expect, it } from 'vitest';
import { clusterPreset, ModelBackend } from 'vicsim';
import { modelViolations, runModelBased } from 'vicsim/testing';

it('keeps my backend consistent under random VM operations', async () => {
  await runModelBased(
    async () => {
      const { model, rootPool } = clusterPreset({ hosts: 2 });
      return { backend: new ModelBackend(model), pool: rootPool.id };
    },
    { numRuns: 25, after: (r) => expect(modelViolations((r.backend as ModelBackend).model)).toEqual([]) },
  );
});
