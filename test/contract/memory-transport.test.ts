/** Runs the transport contract suite on the memory transport (no skips). */
import { describeTransportContract } from "../../services/shared/transport/contract/transport.contract.ts";
import { createMemoryStore, createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";

// One store for the file: transports created within a test share topics and cursors (reconnect case).
const store = createMemoryStore();

describeTransportContract("memory", { create: () => createMemoryTransport({ store }) });
