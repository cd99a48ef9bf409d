// services/transaction.service.ts of seed 004, types stripped.
import mongoose from 'mongoose';
import { User } from '../models/user.model.mjs';

export class TransactionService {
  async transferPoints(
    fromUserId,
    toUserId,
    points
  ) {
    const session = await mongoose.startSession();
    session.startTransaction();

    try {
      const [fromUser, toUser] = await Promise.all([
        User.findById(fromUserId).session(session),
        User.findById(toUserId).session(session)
      ]);

      if (!fromUser || !toUser) {
        throw new Error('User not found');
      }

      if (fromUser.points < points) {
        throw new Error('Insufficient points');
      }

      await Promise.all([
        User.findByIdAndUpdate(
          fromUserId,
          { $inc: { points: -points } },
          { session }
        ),
        User.findByIdAndUpdate(
          toUserId,
          { $inc: { points: points } },
          { session }
        )
      ]);

      await session.commitTransaction();
      return true;
    } catch (error) {
      await session.abortTransaction();
      throw error;
    } finally {
      session.endSession();
    }
  }
}
