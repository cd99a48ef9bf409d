// services/stream.service.ts of seed 004, types stripped. The handlers record what they receive (instead of only
// logging it) so the test can assert on them.
export class StreamService {
  constructor(userModel) {
    this.userModel = userModel;
    this.seen = [];
    this.initializeChangeStream();
  }

  initializeChangeStream() {
    this.changeStream = this.userModel.watch([], {
      fullDocument: 'updateLookup'
    });

    this.changeStream.on('change', (change) => {
      switch (change.operationType) {
        case 'insert':
          this.handleInsert(change.fullDocument);
          break;
        case 'update':
          this.handleUpdate(change.fullDocument);
          break;
        case 'delete':
          this.handleDelete(change.documentKey._id);
          break;
      }
    });

    this.changeStream.on('error', (error) => {
      console.error('Change stream error:', error);
      this.seen.push({ type: 'error', error });
    });
  }

  handleInsert(document) {
    this.seen.push({ type: 'insert', document });
  }

  handleUpdate(document) {
    this.seen.push({ type: 'update', document });
  }

  handleDelete(documentId) {
    this.seen.push({ type: 'delete', documentId });
  }

  close() {
    if (this.changeStream) {
      return this.changeStream.close();
    }
  }
}
