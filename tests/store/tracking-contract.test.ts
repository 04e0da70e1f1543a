import { trackingStoreContract } from './contract.js';
import { BACKENDS } from './backends.js';

for (const backend of BACKENDS) trackingStoreContract(backend.name, backend);
