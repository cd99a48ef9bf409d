using Outpost.Bson;

namespace Outpost.Engine.ChangeStreams;

/// <summary>Reads the <c>$changeStream</c> stage's document into <see cref="ChangeStreamOptions"/>.</summary>
internal static class ChangeStreamSpec
{
    public static ChangeStreamOptions Parse(BsonDocument spec)
    {
        string? S(string name) => spec.TryGetValue(name, out var v) && v is BsonString s ? s.Value : null;
        return new ChangeStreamOptions
        {
            FullDocument = S("fullDocument") ?? "default",
            FullDocumentBeforeChange = S("fullDocumentBeforeChange") ?? "off",
            ResumeAfter = spec.TryGetValue("resumeAfter", out var ra) ? ra as BsonDocument : null,
            StartAfter = spec.TryGetValue("startAfter", out var sa) ? sa as BsonDocument : null,
            StartAtOperationTime = spec.TryGetValue("startAtOperationTime", out var st) ? st as BsonTimestamp : null,
            ShowExpandedEvents = spec.TryGetValue("showExpandedEvents", out var se) && se is BsonBoolean { Value: true },
        };
    }
}
