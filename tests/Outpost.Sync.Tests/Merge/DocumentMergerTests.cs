using Outpost.Bson;
using Outpost.Sync.Merge;
using static Outpost.Sync.Tests.Merge.MergeTestKit;

namespace Outpost.Sync.Tests.Merge;

public class DocumentMergerTests
{
    private readonly DocumentMerger _merger = new("photos", PlantPolicy());

    private MergeState Created()
    {
        var state = MergeState.Empty("p1");
        _merger.Apply(state, Op(At(1), FieldChange.Set("title", "weld seam"), FieldChange.Set("quality", 5), FieldChange.Set("syncStatus", "pending")));
        return state;
    }

    [Fact]
    public void Concurrent_edits_to_different_fields_all_survive()
    {
        var state = Created();
        var v1 = state.Metadata.Stamps["quality"];
        _merger.Apply(state, Op(At(10, "tablet-a"), FieldChange.Set("quality", 8, v1)));
        _merger.Apply(state, Op(At(9, "tablet-b"), FieldChange.Set("title", "weld seam, left", state.Metadata.Stamps["title"])));
        Assert.Equal(8, state.Document["quality"].AsInt32);
        Assert.Equal("weld seam, left", state.Document["title"].AsString);
    }

    [Fact]
    public void The_seed_conflict_case_remote_newer_wins_its_field_and_the_local_change_to_another_field_is_kept()
    {
        var state = Created();
        var baseQuality = state.Metadata.Stamps["quality"];
        // Local device edits quality and notes offline at t=5; the remote edited quality at t=7 (newer).
        _merger.Apply(state, Op(At(7, "remote"), FieldChange.Set("quality", 9, baseQuality)));
        var outcome = _merger.Apply(state, Op(At(5, "local"), FieldChange.Set("quality", 3, baseQuality), FieldChange.Set("location", "bay 4")));
        Assert.Equal(9, state.Document["quality"].AsInt32);
        Assert.Equal("bay 4", state.Document["location"].AsString);
        var conflict = Assert.Single(outcome.Conflicts);
        Assert.Equal("quality", conflict.Path);
        Assert.False(conflict.NeedsReview);
    }

    [Fact]
    public void Equal_times_are_ordered_by_device_id()
    {
        var state = Created();
        _merger.Apply(state, Op(At(5, "device-b"), FieldChange.Set("quality", 2)));
        _merger.Apply(state, Op(At(5, "device-a"), FieldChange.Set("quality", 7)));
        Assert.Equal(2, state.Document["quality"].AsInt32);
    }

    [Fact]
    public void Sync_status_takes_the_higher_priority_whatever_the_time()
    {
        var state = Created();
        _merger.Apply(state, Op(At(5, "a"), FieldChange.Set("syncStatus", "synced")));
        _merger.Apply(state, Op(At(9, "b"), FieldChange.Set("syncStatus", "failed")));
        Assert.Equal("synced", state.Document["syncStatus"].AsString);
    }

    [Fact]
    public void Set_fields_take_the_union_and_honour_explicit_removes()
    {
        var state = Created();
        _merger.Apply(state, Op(At(2, "a"), Add("tags", "weld", "rust")));
        _merger.Apply(state, Op(At(3, "b"), Add("tags", "dent")));
        _merger.Apply(state, Op(At(4, "b"), Remove("tags", "rust")));
        Assert.Equal(new BsonArray { "dent", "weld" }, state.Document["tags"]);
        _merger.Apply(state, Op(At(5, "a"), Add("tags", "rust")));
        Assert.Equal(new BsonArray { "dent", "rust", "weld" }, state.Document["tags"]);
    }

    [Fact]
    public void Appended_notes_are_all_kept_in_stamp_order_with_attribution()
    {
        var state = Created();
        _merger.Apply(state, Op(At(8, "inspector-2"), Append("notes", "paint run on edge")));
        _merger.Apply(state, Op(At(6, "inspector-1"), Append("notes", "scratch near hole 3")));
        var notes = state.Document["notes"].AsArray;
        Assert.Equal(2, notes.Count);
        Assert.Equal("scratch near hole 3", notes[0].AsDocument["text"].AsString);
        Assert.Equal("inspector-1", notes[0].AsDocument["by"].AsString);
        Assert.Equal("inspector-2", notes[1].AsDocument["by"].AsString);
    }

    [Fact]
    public void Counter_increments_from_every_device_add_up_and_replays_count_once()
    {
        var state = Created();
        var op = Op(At(2, "a"), Inc("views", 2));
        _merger.Apply(state, op);
        _merger.Apply(state, Op(At(3, "b"), Inc("views", 5)));
        var replay = _merger.Apply(state, op);
        Assert.False(replay.Changed);
        Assert.Equal(7, state.Document["views"].AsInt32);
    }

    [Fact]
    public void Keep_both_records_siblings_for_review_and_a_later_write_that_saw_them_resolves_it()
    {
        var state = Created();
        _merger.Apply(state, Op(At(2, "a"), FieldChange.Set("decision", "accept")));
        var first = state.Metadata.Stamps["decision"];
        var outcome = _merger.Apply(state, Op(At(3, "b"), FieldChange.Set("decision", "reject", null)));
        var conflict = Assert.Single(outcome.Conflicts);
        Assert.True(conflict.NeedsReview);
        Assert.Equal(2, state.Metadata.Siblings["decision"].Count);
        Assert.Equal("reject", state.Document["decision"].AsString);

        var latest = state.Metadata.Stamps["decision"];
        Assert.NotEqual(first, latest);
        _merger.Apply(state, Op(At(4, "qa"), FieldChange.Set("decision", "rework", latest)));
        Assert.False(state.Metadata.Siblings.ContainsKey("decision"));
        Assert.Equal("rework", state.Document["decision"].AsString);
    }

    [Fact]
    public void Custom_resolver_decides_concurrent_values()
    {
        var state = Created();
        _merger.Apply(state, Op(At(2, "a"), FieldChange.Set("grade", "B")));
        _merger.Apply(state, Op(At(3, "b"), FieldChange.Set("grade", "A")));
        Assert.Equal("B", state.Document["grade"].AsString); // max("A","B") by the resolver
    }

    [Fact]
    public void Last_writer_wins_fields_merge_as_a_whole_and_reject_partial_writes()
    {
        var state = Created();
        _merger.Apply(state, Op(At(2, "a"), FieldChange.Set("inspection", new BsonDocument { { "result", "pass" }, { "by", "a" } })));
        _merger.Apply(state, Op(At(3, "b"), FieldChange.Set("inspection", new BsonDocument { { "result", "fail" } })));
        Assert.Equal(new BsonDocument { { "result", "fail" } }, state.Document["inspection"]);
        Assert.Throws<MergeRejectedException>(() => _merger.Apply(state, Op(At(4, "a"), FieldChange.Set("inspection.result", "pass"))));
    }

    [Fact]
    public void A_delete_wins_over_older_writes_and_a_newer_write_survives_it()
    {
        var state = Created();
        _merger.Apply(state, Op(At(3, "a"), FieldChange.Set("quality", 9)));
        _merger.Apply(state, Delete(At(5, "qa")));
        Assert.False(state.Exists);
        Assert.Equal(new BsonDocument { { "_id", "p1" } }, state.Document);

        _merger.Apply(state, Op(At(4, "b"), FieldChange.Set("title", "late but older")));
        Assert.False(state.Exists);

        _merger.Apply(state, Op(At(6, "c"), FieldChange.Set("title", "after delete")));
        Assert.True(state.Exists);
        Assert.Equal("after delete", state.Document["title"].AsString);
    }

    [Fact]
    public void A_whole_subdocument_write_keeps_newer_writes_below_it()
    {
        var state = Created();
        _merger.Apply(state, Op(At(6, "a"), FieldChange.Set("camera.iso", 400)));
        _merger.Apply(state, Op(At(5, "b"), FieldChange.Set("camera", new BsonDocument { { "iso", 100 }, { "flash", true } })));
        Assert.Equal(new BsonDocument { { "flash", true }, { "iso", 400 } }, state.Document["camera"]); // canonical order
    }

    [Fact]
    public void Changing_the_id_is_rejected()
    {
        var state = Created();
        Assert.Throws<MergeRejectedException>(() => _merger.Apply(state, Op(At(2), FieldChange.Set("_id", "other"))));
    }

    [Fact]
    public void Metadata_round_trips_through_bson()
    {
        var state = Created();
        _merger.Apply(state, Op(At(2, "a"), Add("tags", "weld"), Append("notes", "n"), Inc("views", 1)));
        _merger.Apply(state, Op(At(3, "b"), FieldChange.Set("decision", "x")));
        _merger.Apply(state, Op(At(4, "c"), FieldChange.Set("decision", "y")));
        var bson = state.Metadata.ToBson();
        Assert.Equal(bson, SyncMetadata.FromBson(bson).ToBson());
    }
}
