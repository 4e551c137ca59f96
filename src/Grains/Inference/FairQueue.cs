namespace TryOn.Grains.Inference;

/// <summary>
/// Generations waiting for a slot, one line per account, served in turns: each account with work waiting gets the
/// next slot in the order the accounts joined, then goes to the back. One account's burst therefore delays another
/// account's next generation by at most one generation per account ahead of it, not by the whole burst; within an
/// account it is first in, first out. Not thread-safe: the scheduler holds its lock around every call.
/// </summary>
internal sealed class FairQueue
{
    private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);
    /// <summary>Accounts with work waiting, the next to be served first.</summary>
    private readonly LinkedList<Line> _turns = new();
    private readonly Dictionary<string, Waiting> _waiting = new(StringComparer.Ordinal);

    public int Count => _waiting.Count;

    public void Enqueue(string accountId, string generationId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(generationId);
        if (!_lines.TryGetValue(accountId, out var line))
        {
            line = new Line(accountId);
            _lines.Add(accountId, line);
            _turns.AddLast(line);
        }

        line.Ids.AddLast(generationId);
        _waiting.Add(generationId, new Waiting(line, ++line.Issued));
    }

    public bool TryDequeue(out string generationId)
    {
        if (_turns.First is not { } turn)
        {
            generationId = "";
            return false;
        }

        var line = turn.Value;
        generationId = line.Ids.First!.Value;
        line.Ids.RemoveFirst();
        line.Taken++;
        _waiting.Remove(generationId);
        _turns.RemoveFirst();
        if (line.Ids.Count > 0)
        {
            _turns.AddLast(turn);
        }
        else
        {
            _lines.Remove(line.AccountId);
        }

        return true;
    }

    /// <summary>
    /// Removes the generation that would be served last (the newest of the longest line): the one a hand-off to another
    /// silo helps most. The rest keep their turns and places.
    /// </summary>
    public bool TryTakeLast(out string generationId)
    {
        if (_turns.Count == 0)
        {
            generationId = "";
            return false;
        }

        // Turns go round the lines in order, so the last of the longest lines (the later one on a tie) is served last.
        var longest = _turns.Max(turn => turn.Ids.Count);
        var line = _turns.Last(turn => turn.Ids.Count == longest);
        generationId = line.Ids.Last!.Value;
        line.Ids.RemoveLast();
        line.Issued--;
        _waiting.Remove(generationId);
        if (line.Ids.Count == 0)
        {
            _turns.Remove(line);
            _lines.Remove(line.AccountId);
        }

        return true;
    }

    /// <summary>
    /// 1 for the next to be served; null when not waiting. If nothing joins meanwhile, the exact turn it will be
    /// served in: every account ahead of its line serves as many as this one has ahead of it, plus one, and every
    /// account behind serves as many.
    /// </summary>
    public int? PositionOf(string generationId)
    {
        if (!_waiting.TryGetValue(generationId, out var waiting))
        {
            return null;
        }

        var ahead = waiting.Line.AheadOf(waiting.Ticket);
        var position = ahead + 1;
        var before = true;
        foreach (var line in _turns)
        {
            if (ReferenceEquals(line, waiting.Line))
            {
                before = false;
                continue;
            }

            position += Math.Min(line.Ids.Count, before ? ahead + 1 : ahead);
        }

        return position;
    }

    private sealed class Line(string accountId)
    {
        public string AccountId { get; } = accountId;

        public LinkedList<string> Ids { get; } = new();

        /// <summary>Tickets handed out and served in this line: a waiting ticket's place is its distance from the last served.</summary>
        public long Issued { get; set; }

        public long Taken { get; set; }

        public int AheadOf(long ticket) => (int)(ticket - Taken - 1);
    }

    private readonly record struct Waiting(Line Line, long Ticket);
}
