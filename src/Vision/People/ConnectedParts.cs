namespace TryOn.Vision.People;

/// <summary>The 4-connected parts of a grid's pixels that pass a test: what the person and garment masks are cleaned by.</summary>
public static class ConnectedParts
{
    /// <summary>
    /// Each pixel's part (1, 2, …; 0 for pixels that do not pass <paramref name="inPart"/>), and each part's size in
    /// pixels, indexed by its label (<c>sizes[0]</c> is 0).
    /// </summary>
    public static int[] Label(int width, int height, Func<int, bool> inPart, out List<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(inPart);
        var count = width * height;
        var labels = new int[count];
        sizes = [0];
        var stack = new Stack<int>();
        for (var start = 0; start < count; start++)
        {
            if (labels[start] != 0 || !inPart(start))
            {
                continue;
            }

            var label = sizes.Count;
            var size = 0;
            labels[start] = label;
            stack.Push(start);
            while (stack.TryPop(out var pixel))
            {
                size++;
                var x = pixel % width;
                Visit(pixel - width, pixel >= width);
                Visit(pixel + width, pixel + width < count);
                Visit(pixel - 1, x > 0);
                Visit(pixel + 1, x < width - 1);
            }

            sizes.Add(size);

            void Visit(int neighbour, bool inside)
            {
                if (inside && labels[neighbour] == 0 && inPart(neighbour))
                {
                    labels[neighbour] = label;
                    stack.Push(neighbour);
                }
            }
        }

        return labels;
    }
}
