// services/analytics.service.ts of seed 004, types stripped (the Nest @InjectModel becomes a constructor argument).
export class AnalyticsService {
  constructor(userModel) { this.userModel = userModel; }

  async getUserStats() {
    return this.userModel.aggregate([
      {
        $group: {
          _id: '$role',
          count: { $sum: 1 },
          averageAge: { $avg: '$profile.age' }
        }
      },
      {
        $sort: { count: -1 }
      }
    ]);
  }

  async getActiveUsers(days) {
    const date = new Date();
    date.setDate(date.getDate() - days);

    return this.userModel.aggregate([
      {
        $match: {
          lastLoginDate: { $gte: date }
        }
      },
      {
        $group: {
          _id: {
            year: { $year: '$lastLoginDate' },
            month: { $month: '$lastLoginDate' },
            day: { $dayOfMonth: '$lastLoginDate' }
          },
          count: { $sum: 1 }
        }
      },
      {
        $sort: {
          '_id.year': 1,
          '_id.month': 1,
          '_id.day': 1
        }
      }
    ]);
  }
}
