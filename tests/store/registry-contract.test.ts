import { BACKENDS } from './backends.js';
import { registryStoreContract } from './registry-contract.js';

for (const backend of BACKENDS) registryStoreContract(backend);
