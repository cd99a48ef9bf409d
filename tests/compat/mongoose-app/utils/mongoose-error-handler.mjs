// utils/mongoose-error-handler.ts of seed 004, types stripped.
export class MongooseErrorHandler {
  static handle(error) {
    if (error.name === 'ValidationError') {
      const errors = Object.values(error.errors).map(
        (err) => err.message
      );
      return {
        status: 400,
        message: 'Validation Error',
        errors
      };
    }

    if (error.code === 11000) {
      return {
        status: 409,
        message: 'Duplicate key error',
        field: Object.keys(error.keyPattern)[0]
      };
    }

    if (error.name === 'CastError') {
      return {
        status: 400,
        message: 'Invalid ID format'
      };
    }

    return {
      status: 500,
      message: 'Internal server error'
    };
  }
}
