import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { documentStoreContract } from './documentStoreContract.js';

documentStoreContract('MemoryDocumentStore', async () => new MemoryDocumentStore());
