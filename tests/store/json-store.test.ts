import { JsonStore } from '../../src/store/json/json-store.js';
import { tempDir } from '../helpers.js';
import { trackingStoreContract } from './contract.js';

trackingStoreContract('JsonStore (file:)', { newLocation: () => tempDir(), open: (dir) => JsonStore.open(dir) });
