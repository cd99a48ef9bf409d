// plugins/pagination.plugin.ts of seed 004, types stripped.
export function paginationPlugin(schema) {
  schema.statics.paginate = async function (query = {}, options = {}) {
    const {
      page = 1,
      limit = 10,
      sort = { createdAt: -1 }
    } = options;

    const skip = (page - 1) * limit;

    const [data, total] = await Promise.all([
      this.find(query)
        .sort(sort)
        .skip(skip)
        .limit(limit),
      this.countDocuments(query)
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
  };
}
