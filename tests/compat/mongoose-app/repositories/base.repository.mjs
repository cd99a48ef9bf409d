// repositories/base.repository.ts and user.repository.ts of seed 004, types stripped.
import { User } from '../models/user.model.mjs';

export class BaseRepository {
  constructor(model) { this.model = model; }

  async findAll(
    filter = {},
    projection = {},
    options = { sort: { createdAt: -1 } }
  ) {
    return this.model.find(filter, projection, options);
  }

  async findById(id) {
    return this.model.findById(id);
  }

  async create(data) {
    return this.model.create(data);
  }

  async update(
    id,
    data,
    options = { new: true }
  ) {
    return this.model.findByIdAndUpdate(id, data, options);
  }

  async delete(id) {
    const result = await this.model.findByIdAndDelete(id);
    return result !== null;
  }

  async paginate(
    filter = {},
    page = 1,
    limit = 10,
    sort = { createdAt: -1 }
  ) {
    const [data, total] = await Promise.all([
      this.model
        .find(filter)
        .sort(sort)
        .skip((page - 1) * limit)
        .limit(limit),
      this.model.countDocuments(filter)
    ]);

    return {
      data,
      metadata: {
        total,
        page,
        limit,
        totalPages: Math.ceil(total / limit)
      }
    };
  }
}

export class UserRepository extends BaseRepository {
  constructor() {
    super(User);
  }

  async findByEmail(email) {
    return User.findOne({ email });
  }

  async searchUsers(query) {
    return User.find(
      { $text: { $search: query } },
      { score: { $meta: 'textScore' } }
    ).sort({ score: { $meta: 'textScore' } });
  }
}
