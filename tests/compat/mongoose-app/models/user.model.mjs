// models/user.model.ts of seed 004, types stripped. Adaptations (each needed for the seed's own services to work):
// - bcrypt → bcryptjs (same API, pure JS: the native bcrypt addon needs a compiler and prebuilt binaries);
// - `points` and `lastLoginDate` are declared: TransactionService.transferPoints and AnalyticsService.getActiveUsers
//   use them, and Mongoose's strict mode would otherwise drop them from writes;
// - the seed's `userSchema.plugin(paginationPlugin)` line (under "Middleware and Plugins") is applied here.
import mongoose, { Schema } from 'mongoose';
import bcrypt from 'bcryptjs';
import { paginationPlugin } from '../plugins/pagination.plugin.mjs';

const userSchema = new Schema({
  email: {
    type: String,
    required: true,
    unique: true,
    trim: true,
    lowercase: true
  },
  password: {
    type: String,
    required: true,
    select: false
  },
  name: {
    type: String,
    trim: true
  },
  role: {
    type: String,
    enum: ['user', 'admin', 'moderator'],
    default: 'user'
  },
  profile: {
    type: Schema.Types.Mixed,
    default: {}
  },
  points: { type: Number, default: 0 },
  lastLoginDate: Date
}, {
  timestamps: true,
  toJSON: {
    transform: (doc, ret) => {
      delete ret.password;
      return ret;
    }
  }
});

// Middleware
userSchema.pre('save', async function (next) {
  if (this.isModified('password')) {
    this.password = await bcrypt.hash(this.password, 10);
  }
  next();
});

// Methods
userSchema.methods.comparePassword = async function (candidatePassword) {
  return bcrypt.compare(candidatePassword, this.password);
};

// Indexes
userSchema.index({ email: 1 });
userSchema.index({ createdAt: -1 });
userSchema.index({ 'profile.name': 'text', email: 'text' });

userSchema.plugin(paginationPlugin);

export const User = mongoose.model('User', userSchema);
