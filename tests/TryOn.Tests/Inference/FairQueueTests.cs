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
}
