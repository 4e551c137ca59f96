using TryOn.Grains.Inference;

namespace TryOn.Tests.Inference;

/// <summary>Accounts take turns for the inference slots; within an account, first in first out.</summary>
public sealed class FairQueueTests
{
    private static List<string> Drain(FairQueue queue)
    {
        var served = new List<string>();
        while (queue.TryDequeue(out var id))
        {
            served.Add(id);
        }

        return served;
    }

    [Fact]
    public void One_accounts_burst_does_not_hold_back_another_account()
    {
        var queue = new FairQueue();
        foreach (var i in Enumerable.Range(1, 5))
        {
            queue.Enqueue("busy", $"b{i}");
        }

        queue.Enqueue("quiet", "q1");
        queue.Enqueue("quiet", "q2");

        Assert.Equal(["b1", "q1", "b2", "q2", "b3", "b4", "b5"], Drain(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_single_account_is_first_in_first_out()
    {
        var queue = new FairQueue();
        foreach (var id in new[] { "a", "b", "c" })
        {
            queue.Enqueue("shop", id);
        }

        Assert.Equal(["a", "b", "c"], Drain(queue));
    }

    [Fact]
    public void An_account_that_comes_back_after_its_line_emptied_joins_behind_the_accounts_waiting()
    {
        var queue = new FairQueue();
        queue.Enqueue("a", "a1");
        queue.Enqueue("b", "b1");
        queue.Enqueue("b", "b2");
        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal("a1", first);

        queue.Enqueue("a", "a2");

        Assert.Equal(["b1", "a2", "b2"], Drain(queue));
    }

    [Fact]
    public void Every_waiting_generation_knows_the_turn_it_will_be_served_in()
    {
        var queue = new FairQueue();
        var random = new Random(7);
        for (var i = 0; i < 60; i++)
        {
            queue.Enqueue($"account-{random.Next(5)}", $"g{i}");
            if (random.Next(4) == 0)
            {
                queue.TryDequeue(out _);
            }
        }

        var positions = Enumerable.Range(0, 60).Select(i => $"g{i}")
            .Select(id => (Id: id, Position: queue.PositionOf(id)))
            .Where(entry => entry.Position is not null)
            .ToDictionary(entry => entry.Id, entry => entry.Position!.Value);
        Assert.Equal(queue.Count, positions.Count);

        var served = Drain(queue);
        foreach (var (id, position) in positions)
        {
            Assert.Equal(position, served.IndexOf(id) + 1);
        }

        Assert.Null(queue.PositionOf(served[0]));
    }

    [Fact]
    public void A_hand_off_takes_the_generation_that_would_be_served_last_and_the_rest_keep_their_turns()
    {
        var queue = new FairQueue();
        foreach (var i in Enumerable.Range(1, 4))
        {
            queue.Enqueue("busy", $"b{i}");
        }

        queue.Enqueue("quiet", "q1");
        queue.Enqueue("quiet", "q2");

        // Served b1 q1 b2 q2 b3 b4: the busy account's newest goes first, then, on a tie of lengths, the later line's.
        Assert.True(queue.TryTakeLast(out var first));
        Assert.Equal("b4", first);
        Assert.True(queue.TryTakeLast(out var second));
        Assert.Equal("b3", second);
        Assert.True(queue.TryTakeLast(out var third));
        Assert.Equal("q2", third);
        Assert.Equal(3, queue.Count);
        Assert.Equal(3, queue.PositionOf("b2"));
        Assert.Null(queue.PositionOf("b3"));

        queue.Enqueue("busy", "b5");
        Assert.Equal(["b1", "q1", "b2", "b5"], Drain(queue));
        Assert.False(queue.TryTakeLast(out _));
    }

    [Fact]
    public void Taking_an_accounts_last_waiting_generation_takes_its_line_out_of_the_turns()
    {
        var queue = new FairQueue();
        queue.Enqueue("a", "a1");
        queue.Enqueue("b", "b1");
        queue.Enqueue("b", "b2");
        Assert.True(queue.TryTakeLast(out var taken));
        Assert.Equal("b2", taken);
        Assert.True(queue.TryTakeLast(out taken));
        Assert.Equal("b1", taken);

        // b comes back behind a, as a new line.
        queue.Enqueue("b", "b3");
        queue.Enqueue("a", "a2");
        Assert.Equal(1, queue.PositionOf("a1"));
        Assert.Equal(2, queue.PositionOf("b3"));
        Assert.Equal(["a1", "b3", "a2"], Drain(queue));
    }
}
