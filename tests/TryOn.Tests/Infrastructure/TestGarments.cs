using NetVips;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// Product photos of garments laid flat, front up, centred on a light floor, drawn on the spot as JPEG
/// (<see cref="Width"/> x <see cref="Height"/>): an anti-aliased outline with fabric texture, gentle shading, seams and
/// a pattern (stripes, dots, a print, pleats) that shows where a warp moves the cloth.
/// The floor stays within 0.08 of white in every channel (every channel at least 240 before JPEG), which is what the
/// cut-out calls background; the garment is far from white, except its white pattern, which lies wholly inside it.
/// </summary>
public static class TestGarments
{
    public const int Width = 900;

    public const int Height = 1100;

    private const double Middle = Width / 2.0;

    private static readonly Rgb White = new(244, 242, 238);

    private static readonly Lazy<byte[]> TShirtPhoto = new(DrawTShirt);

    private static readonly Lazy<byte[]> LongSleeveTopPhoto = new(DrawLongSleeveTop);

    private static readonly Lazy<byte[]> DressPhoto = new(DrawDress);

    private static readonly Lazy<byte[]> TrousersPhoto = new(DrawTrousers);

    private static readonly Lazy<byte[]> SkirtPhoto = new(DrawSkirt);

    /// <summary>A red crew-neck T-shirt with six white stripes, short sleeves falling at 30 degrees.</summary>
    public static byte[] TShirt() => [.. TShirtPhoto.Value];

    /// <summary>A forest-green long-sleeved top with a white star on the chest, sleeves falling at 45 degrees, ribbed cuffs.</summary>
    public static byte[] LongSleeveTop() => [.. LongSleeveTopPhoto.Value];

    /// <summary>A navy sleeveless A-line dress with white polka dots: narrow straps, fitted bodice, flaring skirt.</summary>
    public static byte[] Dress() => [.. DressPhoto.Value];

    /// <summary>Denim-blue straight-leg trousers: waistband, pockets, fly, two legs parted from the crotch down.</summary>
    public static byte[] Trousers() => [.. TrousersPhoto.Value];

    /// <summary>A mustard knee-length A-line skirt: waistband, dark pleat lines fanning out to the hem.</summary>
    public static byte[] Skirt() => [.. SkirtPhoto.Value];

    private static byte[] DrawTShirt()
    {
        const double top = 150;
        var backNeck = new Pt(0, 16);
        var neckSide = new Pt(92, 0);
        var frontNeck = new Pt(0, 88);
        var shoulder = new Pt(234, 36);
        var down = Pt.Angle(30);
        var across = down.Normal;
        const double sleeveLength = 175; // 0.35 of the 500-pixel body
        const double opening = 148;
        var cuffTop = shoulder + (down * sleeveLength);
        var cuffBottom = cuffTop + (across * opening);
        var armpit = new Pt(250, 238);
        var waist = new Pt(245, 520);
        var hemSide = new Pt(254, 792);
        var hemCentre = new Pt(0, 806);

        var outline = new Outline(backNeck).Curve(new Pt(60, 14), neckSide)
            .To(shoulder).To(cuffTop).To(cuffBottom).To(armpit)
            .Curve(waist, hemSide).Curve(new Pt(130, 808), hemCentre)
            .Mirrored().Placed(top);
        var shirt = Mask.Polygon(outline);
        var photo = new Photo(shirt);
        var red = new Rgb(190, 40, 45);
        Fold[] folds =
        [
            new(new Pt(-200, 280), new Pt(-40, 540), 24, 0.08),
            new(new Pt(215, 320), new Pt(70, 580), 26, -0.07),
            new(new Pt(-170, 640), new Pt(170, 700), 30, 0.05),
            new(new Pt(-60, 130), new Pt(60, 150), 18, -0.04),
            new(new Pt(260, 110), new Pt(320, 220), 14, 0.06),
        ];

        photo.Paint(shirt, (x, y) =>
        {
            var (rx, ry) = (Math.Abs(x - Middle), y - top);
            var onSleeve = Cross(armpit - shoulder, new Pt(rx, ry) - shoulder) < 0;

            // Stripes run across the body, and across each sleeve's length on the sleeves.
            var along = onSleeve ? Dot(new Pt(rx, ry) - shoulder, down) + 20 : ry;
            var stripe = along is > 120 and < 720 && !(onSleeve && along > 220) ? Band(along - 140, 112, 14) : 0;
            stripe *= Inset(photo.EdgeDistance(x, y));
            var shade = Shade(x, y, photo.EdgeDistance(x, y), 11, folds, top);
            return red.Towards(White, stripe).Times(shade * (1 + Weave(x, y, 3)));
        });

        CrewNeck(photo, top, shirt, red, backNeck, neckSide, frontNeck, 15);

        // Seams: shoulders, armholes, the hem's and the sleeves' stitching.
        foreach (var side in new[] { 1, -1 })
        {
            photo.Darken(Mask.Stroke(Place([neckSide, shoulder], top, side), 2), 0.82);
            var armhole = new Outline(shoulder).Curve(new Pt(236, 150), armpit).Points;
            photo.Darken(Mask.Stroke(Place(armhole, top, side), 2.2), 0.78);
            var stitchTop = shoulder + (down * (sleeveLength - 16));
            photo.Darken(Mask.Stroke(Place([stitchTop, (stitchTop + (across * opening))], top, side), 1.5).Within(shirt), 0.8);
        }

        var hemStitch = new Outline(new Pt(-260, 774)).Curve(new Pt(-130, 790), new Pt(0, 788))
            .Curve(new Pt(130, 790), new Pt(260, 774)).Points;
        photo.Darken(Mask.Stroke(Place(hemStitch, top), 1.5).Within(shirt), 0.8);
        return photo.Jpeg();
    }

    private static byte[] DrawLongSleeveTop()
    {
        // Sleeves as long as the body at 45 degrees span twice the body's width: the top is as tall as the frame's
        // width allows (about 40% of its height).
        const double top = 330;
        var backNeck = new Pt(0, 10);
        var neckSide = new Pt(58, 0);
        var frontNeck = new Pt(0, 56);
        var shoulder = new Pt(128, 20);
        var down = Pt.Angle(45);
        var across = down.Normal;
        const double sleeveLength = 410; // about the body's 440
        const double cuff = 40;
        Pt Sleeve(double u, double v) => shoulder + (down * u) + (across * v);
        var cuffStartTop = Sleeve(sleeveLength - cuff, 0);
        var cuffTop = Sleeve(sleeveLength, 4);
        var cuffBottom = Sleeve(sleeveLength, 62);
        var cuffStartBottom = Sleeve(sleeveLength - cuff, 68);
        var armpit = new Pt(142, 140);
        var waist = new Pt(136, 300);
        var hemSide = new Pt(140, 428);
        var hemCentre = new Pt(0, 438);

        var outline = new Outline(backNeck).Curve(new Pt(38, 9), neckSide)
            .To(shoulder).To(cuffStartTop).To(Sleeve(sleeveLength - cuff, 4)).To(cuffTop)
            .To(cuffBottom).To(Sleeve(sleeveLength - cuff, 64)).To(cuffStartBottom).To(armpit)
            .Curve(waist, hemSide).Curve(new Pt(70, 440), hemCentre)
            .Mirrored().Placed(top);
        var shirt = Mask.Polygon(outline);
        var photo = new Photo(shirt);
        var green = new Rgb(34, 92, 52);
        Fold[] folds =
        [
            new(Sleeve(120, -10), Sleeve(130, 90), 14, 0.06),
            new(Sleeve(260, -10), Sleeve(250, 90), 12, -0.05),
            new(new Pt(-120, 200), new Pt(20, 330), 22, 0.045),
        ];
        Fold[] mirroredFolds = [.. folds, .. folds.Take(2).Select(f => f.Mirrored())];
        var star = Place(Star(new Pt(-62, 118), 30, 12.5), top);
        var print = Mask.Polygon(star);

        photo.Paint(shirt, (x, y) =>
        {
            var (rx, ry) = (Math.Abs(x - Middle), y - top);
            var u = Dot(new Pt(rx, ry) - shoulder, down);
            var onSleeve = Cross(armpit - shoulder, new Pt(rx, ry) - shoulder) < 0;
            var colour = green;
            if (onSleeve && u > sleeveLength - cuff)
            {
                // Ribbed cuff: slightly darker, ribs along the sleeve.
                var v = Dot(new Pt(rx, ry) - shoulder, across);
                colour = green.Times(0.86 + (0.08 * Math.Sin(v * 1.6)));
            }

            var shade = Shade(x, y, photo.EdgeDistance(x, y), 23, mirroredFolds, top);
            return colour.Times(shade * (1 + Weave(x, y, 5)));
        });

        photo.Paint(print, (x, y) => White.Times(0.97 + (0.03 * Textures.Sample(Textures.Shared.Grain, x / 3, y / 3, 9))));
        CrewNeck(photo, top, shirt, green, backNeck, neckSide, frontNeck, 11);

        foreach (var side in new[] { 1, -1 })
        {
            var armhole = new Outline(shoulder).Curve(new Pt(132, 90), armpit).Points;
            photo.Darken(Mask.Stroke(Place(armhole, top, side), 2), 0.76);
            photo.Darken(Mask.Stroke(Place([neckSide, shoulder], top, side), 1.8), 0.82);
            photo.Darken(Mask.Stroke(Place([Sleeve(sleeveLength - cuff, 0), Sleeve(sleeveLength - cuff, 68)], top, side), 2).Within(shirt), 0.72);
        }

        var hemStitch = new Outline(new Pt(-150, 416)).Curve(new Pt(-70, 424), new Pt(0, 424))
            .Curve(new Pt(70, 424), new Pt(150, 416)).Points;
        photo.Darken(Mask.Stroke(Place(hemStitch, top), 1.4).Within(shirt), 0.78);
        return photo.Jpeg();
    }

    private static byte[] DrawDress()
    {
        const double top = 136;
        var backNeck = new Pt(0, 40);
        var strapInner = new Pt(58, 0);
        var strapOuter = new Pt(100, 0);
        var frontNeck = new Pt(0, 150);
        var armpit = new Pt(180, 168);
        var waist = new Pt(160, 320);
        var hemSide = new Pt(322, 800);
        var hemCentre = new Pt(0, 828); // 2.3 x the 360-pixel bodice

        // The skirt's folds radiate from a point above the dress; the hem undulates with them.
        var apex = new Pt(0, -170);
        double Ripple(double rx, double ry) => Math.Sin((Math.Atan2(rx, ry - apex.Y) * 23) + 0.6);
        var hem = new Outline(hemSide);
        for (var i = 1; i <= 40; i++)
        {
            var x = hemSide.X * (1 - (i / 40.0));
            var t = x / hemSide.X;
            var y = hemCentre.Y - ((hemCentre.Y - hemSide.Y) * t * t);
            hem.To(new Pt(x, y + (6 * Ripple(x, y))));
        }

        var outline = new Outline(backNeck).Curve(new Pt(40, 36), strapInner).To(strapOuter)
            .Curve(new Pt(104, 120), new Pt(150, 166), armpit)
            .Curve(new Pt(164, 250), waist).To(hemSide).Append(hem)
            .Mirrored().Placed(top);
        var dress = Mask.Polygon(outline);
        var photo = new Photo(dress);
        var navy = new Rgb(30, 40, 82);
        Fold[] folds =
        [
            new(new Pt(-120, 60), new Pt(-60, 300), 18, 0.05),
            new(new Pt(90, 200), new Pt(130, 300), 16, -0.04),
        ];

        // Through the scooped front neckline: the lining of the back, in shadow.
        var inside = Mask.Polygon(Place(Neckline(backNeck, strapInner, frontNeck), top)).Within(dress);

        const double spacing = 56;
        const double dot = 9;
        photo.Paint(dress, (x, y) =>
        {
            var (rx, ry) = (x - Middle, y - top);
            var (dx, dy, nearest) = NearestDot(rx, ry - 2, spacing);
            var (cx, cy) = ((int)(x - dx), (int)(y - dy));
            var clear = dot + 5;
            var enclosed = photo.EdgeDistance(cx, cy) > dot + 9
                && inside[cx, cy - (int)clear] + inside[cx - (int)clear, cy] + inside[cx + (int)clear, cy] == 0;
            var spot = enclosed ? Math.Clamp(dot + 0.5 - nearest, 0, 1) : 0;
            var flare = Math.Clamp((ry - 330) / 320, 0, 1);
            var shade = Shade(x, y, photo.EdgeDistance(x, y), 37, folds, top) + (0.11 * flare * Ripple(rx, ry));
            return navy.Towards(White, spot).Times(shade * (1 + Weave(x, y, 8)));
        });

        photo.Paint(inside, (x, y) =>
        {
            var ry = y - top;
            return navy.Times(0.62 - (0.22 * Math.Clamp((ry - 20) / 120, 0, 1)) + (0.03 * Textures.Sample(Textures.Shared.Grain, x, y, 4)));
        });

        var waistSeam = new Outline(new Pt(-170, 318)).Curve(new Pt(0, 326), new Pt(170, 318)).Points;
        photo.Darken(Mask.Stroke(Place(waistSeam, top), 2.2).Within(dress), 0.6);
        foreach (var side in new[] { 1, -1 })
        {
            photo.Darken(Mask.Stroke(Place([new Pt(80, 318), new Pt(76, 210)], top, side), 1.6), 0.7);
            var front = new Outline(strapInner).Curve(new Pt(56, 110), new Pt(30, 150), frontNeck).Points;
            photo.Darken(Mask.Stroke(Place(front.Select(p => p.Offset(0, 8)), top, side), 1.3).Within(dress), 0.72);
        }

        return photo.Jpeg();
    }

    private static byte[] DrawTrousers()
    {
        const double top = 135;
        var waistCentre = new Pt(0, 0);
        var waistSide = new Pt(168, 0);
        var hip = new Pt(190, 170);
        var knee = new Pt(197, 520);
        var hemOuter = new Pt(203, 830);
        var hemInner = new Pt(44, 830);
        var inseam = new Pt(24, 300);
        var crotch = new Pt(0, 250); // 30% of the length

        var outline = new Outline(waistCentre).To(waistSide).Curve(new Pt(186, 60), hip).Curve(knee, hemOuter)
            .To(hemInner).To(inseam).Curve(new Pt(8, 268), crotch)
            .Mirrored().Placed(top);
        var trousers = Mask.Polygon(outline);
        var photo = new Photo(trousers);
        var denim = new Rgb(60, 90, 140);
        Fold[] folds =
        [
            new(new Pt(-150, 560), new Pt(-60, 600), 14, 0.05),
            new(new Pt(60, 580), new Pt(160, 540), 14, 0.05),
            new(new Pt(-160, 430), new Pt(-60, 450), 12, -0.04),
            new(new Pt(70, 230), new Pt(150, 180), 10, 0.04),
            new(new Pt(-70, 230), new Pt(-150, 180), 10, 0.04),
        ];

        photo.Paint(trousers, (x, y) =>
        {
            var (rx, ry) = (x - Middle, y - top);

            // Twill: fine diagonal ribs; slubs: faint vertical streaks; a pressed crease down each leg.
            var twill = 0.05 * Math.Sin((x + y) * 1.25);
            var slub = 0.05 * Textures.Sample(Textures.Shared.Medium, x * 3, y / 4, 12);
            var crease = ry > 280 ? 0.07 * Math.Exp(-Math.Pow((Math.Abs(rx) - 122) / 5, 2)) : 0;
            var shade = Shade(x, y, photo.EdgeDistance(x, y), 51, folds, top) + crease;
            return denim.Times(shade * (1 + twill + slub + Weave(x, y, 13)));
        });

        var waistband = Mask.Polygon(Place([new Pt(-172, 0), new Pt(172, 0), new Pt(174, 46), new Pt(-174, 46)], top)).Within(trousers);
        photo.Paint(waistband, (x, y) => denim.Times((0.92 + (0.04 * Math.Sin((x - y) * 1.25))) * (1 + Weave(x, y, 14))));
        var thread = new Rgb(128, 160, 205);
        const double stitch = 0.8;
        photo.Tint(Mask.Stroke(Place([new Pt(-174, 6), new Pt(174, 6)], top), 1.4).Within(trousers), thread, stitch);
        photo.Tint(Mask.Stroke(Place([new Pt(-174, 41), new Pt(174, 41)], top), 1.4).Within(trousers), thread, stitch);
        photo.Darken(Mask.Stroke(Place([new Pt(-175, 47), new Pt(175, 47)], top), 2.4).Within(trousers), 0.65);

        foreach (var side in new[] { 1, -1 })
        {
            // Belt loops, a front pocket, the side seam's topstitching near the outer edge, the hem.
            foreach (var loopX in new[] { 70.0, 150.0 })
            {
                var loop = Mask.Polygon(Place([new Pt(loopX - 7, 0), new Pt(loopX + 7, 0), new Pt(loopX + 7, 52), new Pt(loopX - 7, 52)], top, side)).Within(trousers);
                photo.Paint(loop, (x, y) => denim.Times(0.8 * (1 + (0.05 * Math.Sin((x + y) * 1.25)) + Weave(x, y, 15))));
                photo.Darken(Mask.Stroke(Place([new Pt(loopX - 7, 52), new Pt(loopX + 7, 52)], top, side), 2), 0.6);
            }

            var pocket = new Outline(new Pt(108, 47)).Curve(new Pt(120, 140), new Pt(186, 150)).Points;
            photo.Darken(Mask.Stroke(Place(pocket, top, side), 3).Within(trousers), 0.6);
            photo.Tint(Mask.Stroke(Place(pocket.Select(p => p.Offset(-7, 4)), top, side), 1.4).Within(trousers), thread, stitch);
            var seam = new Outline(new Pt(176, 150)).Curve(new Pt(186, 520), new Pt(189, 818)).Points;
            photo.Tint(Mask.Stroke(Place(seam, top, side), 2.2).Within(trousers), new Rgb(112, 142, 188), 0.9);
            photo.Darken(Mask.Stroke(Place(seam.Select(p => p.Offset(4, 0)), top, side), 1.6).Within(trousers), 0.75);
            photo.Tint(Mask.Stroke(Place([new Pt(42, 812), new Pt(205, 812)], top, side), 1.4).Within(trousers), thread, stitch);
            photo.Darken(Mask.Stroke(Place([new Pt(42, 820), new Pt(205, 820)], top, side), 1.6).Within(trousers), 0.8);
        }

        var fly = new Outline(new Pt(-36, 47)).To(new Pt(-36, 180)).Curve(new Pt(-34, 212), new Pt(0, 222)).Points;
        photo.Tint(Mask.Stroke(Place(fly, top), 1.4), thread, stitch);
        photo.Darken(Mask.Stroke(Place([new Pt(0, 47), new Pt(0, 246)], top), 2), 0.62);
        var button = Mask.Disc(new Pt(-2, 23).Placed(top), 10);
        photo.Paint(button, (x, y) => new Rgb(120, 92, 60).Times(1.1 - (0.35 * Math.Clamp((x - Middle + 2 + (y - top - 23)) / 20, -1, 1))));
        return photo.Jpeg();
    }

    private static byte[] DrawSkirt()
    {
        const double top = 160;
        var waistSide = new Pt(200, 0);
        var hip = new Pt(214, 90);
        var hemSide = new Pt(352, 760);
        var hemCentre = new Pt(0, 790);
        var apex = new Pt(0, -950); // the skirt's sides, drawn on upwards, meet here
        var outline = new Outline(new Pt(0, 0)).To(waistSide).Curve(new Pt(210, 40), hip).To(hemSide)
            .Curve(new Pt(180, 792), hemCentre)
            .Mirrored().Placed(top);
        var skirt = Mask.Polygon(outline);
        var photo = new Photo(skirt);
        var mustard = new Rgb(208, 160, 42);
        Fold[] folds =
        [
            new(new Pt(-160, 420), new Pt(-260, 700), 22, 0.05),
            new(new Pt(120, 380), new Pt(200, 720), 24, -0.05),
        ];

        const int pleats = 15;
        var sideAngle = Math.Atan2(hip.X, hip.Y - apex.Y);
        var pleatAngle = 2 * sideAngle / (pleats + 1);
        photo.Paint(skirt, (x, y) =>
        {
            var (rx, ry) = (x - Middle, y - top);
            var radius = Math.Sqrt((rx * rx) + ((ry - apex.Y) * (ry - apex.Y)));
            var position = (Math.Atan2(rx, ry - apex.Y) + sideAngle) / pleatAngle;
            var within = position - Math.Floor(position);

            // Each pleat is lit on one side, in shadow on the other; its fold is a thin dark line.
            var pleat = ry > 50 && position > 0.5 && position < pleats + 0.5 ? 1.0 : 0;
            var distance = Math.Abs(within - 0.5 < 0 ? within : within - 1) * pleatAngle * radius;
            var line = pleat * Math.Clamp(1.6 - distance, 0, 1);
            var shade = Shade(x, y, photo.EdgeDistance(x, y), 71, folds, top) + (pleat * 0.06 * (within - 0.5));
            return mustard.Towards(new Rgb(110, 74, 12), 0.85 * line).Times(shade * (1 + Weave(x, y, 17)));
        });

        var band = Mask.Polygon(Place([new Pt(-205, 0), new Pt(205, 0), new Pt(208, 50), new Pt(-208, 50)], top)).Within(skirt);
        photo.Paint(band, (x, y) => mustard.Times(Shade(x, y, photo.EdgeDistance(x, y), 72, [], top) * 0.95 * (1 + Weave(x, y, 18))));
        photo.Darken(Mask.Stroke(Place([new Pt(-210, 50), new Pt(210, 50)], top), 2.4).Within(skirt), 0.62);
        photo.Darken(Mask.Stroke(Place([new Pt(-210, 43), new Pt(210, 43)], top), 1.2).Within(skirt), 0.8);
        var hemStitch = new Outline(new Pt(-360, 742)).Curve(new Pt(-180, 774), new Pt(0, 772))
            .Curve(new Pt(180, 774), new Pt(360, 742)).Points;
        photo.Darken(Mask.Stroke(Place(hemStitch, top), 1.4).Within(skirt), 0.75);
        photo.Paint(Mask.Disc(new Pt(182, 25).Placed(top), 8), (x, y) => new Rgb(150, 112, 30).Times(1.05 - (0.3 * Math.Clamp((y - top - 25) / 8, -1, 1))));
        return photo.Jpeg();
    }

    /// <summary>
    /// What shows through a crew neck: the inside of the back, darker, with its ribbed band under the back neckline and a
    /// small label; around the front neckline, the ribbed collar.
    /// </summary>
    private static void CrewNeck(Photo photo, double top, Mask garment, Rgb colour, Pt backNeck, Pt neckSide, Pt frontNeck, double rib)
    {
        var opening = Place(Neckline(backNeck, neckSide, frontNeck), top);
        photo.Paint(Mask.Polygon(opening).Within(garment), (x, y) =>
        {
            var ry = y - top;
            var depth = Math.Clamp((ry - backNeck.Y) / (frontNeck.Y - backNeck.Y), 0, 1);
            var band = ry < backNeck.Y + rib - (Math.Abs(x - Middle) * 0.12) ? 0.1 : 0;
            return colour.Times(0.62 + band - (0.25 * depth) + (0.03 * Math.Sin((x - Middle) * 1.4)) + (0.02 * Textures.Sample(Textures.Shared.Grain, x, y, 2)));
        });

        var label = Mask.Polygon(Place([new Pt(-17, backNeck.Y + 4), new Pt(17, backNeck.Y + 4), new Pt(17, backNeck.Y + 20), new Pt(-17, backNeck.Y + 20)], top));
        photo.Paint(label, (x, y) => new Rgb(196, 188, 172).Times(0.95 + (0.04 * Textures.Sample(Textures.Shared.Grain, x, y, 3))));

        // The collar: a band outside the front neckline, its ribs across it.
        var front = Neckline(backNeck, neckSide, frontNeck).Skip(Neckline(backNeck, neckSide, frontNeck).Length / 2).ToList();
        var outer = Offset(front, rib);
        var collar = Mask.Polygon(Place(front.Concat(Enumerable.Reverse(outer)), top)).Within(garment);
        var centre = new Pt(Middle, top + (frontNeck.Y * 0.3));
        photo.Paint(collar, (x, y) =>
        {
            var angle = Math.Atan2(y - centre.Y, x - centre.X);
            var ribs = 0.06 * Math.Sin(angle * 160);
            return colour.Times((0.9 + ribs) * Shade(x, y, photo.EdgeDistance(x, y), 5, [], top) * (1 + Weave(x, y, 6)));
        });
        photo.Darken(Mask.Stroke(Place(outer, top), 1.6).Within(garment), 0.72);
        photo.Darken(Mask.Stroke(Place(front, top), 1.6).Within(garment), 0.6);
    }

    /// <summary>Garment points in the photo: as they are (the right half), or mirrored onto the left with side -1.</summary>
    private static Pt[] Place(IEnumerable<Pt> points, double top, int side = 1) => [.. points.Select(p => p.Side(side).Placed(top))];

    /// <summary>
    /// The neck opening, relative to the centre line: the back neckline from left to right, then the front neckline
    /// from right to left (its second half).
    /// </summary>
    private static Pt[] Neckline(Pt backNeck, Pt neckSide, Pt frontNeck)
    {
        var back = new Outline(neckSide.Side(-1)).Curve(new Pt(neckSide.X * 0.65, backNeck.Y - 1).Side(-1), backNeck)
            .Curve(new Pt(neckSide.X * 0.65, backNeck.Y - 1), neckSide).Points;
        var front = new Outline(neckSide).Curve(new Pt(neckSide.X * 0.98, frontNeck.Y * 0.7), new Pt(neckSide.X * 0.55, frontNeck.Y), frontNeck)
            .Curve(new Pt(neckSide.X * 0.55, frontNeck.Y).Side(-1), new Pt(neckSide.X * 0.98, frontNeck.Y * 0.7).Side(-1), neckSide.Side(-1)).Points;
        return [.. back, .. front];
    }

    /// <summary>A polyline moved <paramref name="distance"/> to its left (looking along it, y down).</summary>
    private static List<Pt> Offset(List<Pt> line, double distance)
    {
        var moved = new List<Pt>(line.Count);
        for (var i = 0; i < line.Count; i++)
        {
            var tangent = line[Math.Min(i + 1, line.Count - 1)] - line[Math.Max(i - 1, 0)];
            var length = Math.Sqrt(Dot(tangent, tangent));
            moved.Add(line[i] + (new Pt(tangent.Y, -tangent.X) * (distance / length)));
        }

        return moved;
    }

    private static Pt[] Star(Pt centre, double outer, double inner) =>
        [.. Enumerable.Range(0, 10).Select(i =>
        {
            var angle = (i * Math.PI / 5) - (Math.PI / 2);
            var radius = i % 2 == 0 ? outer : inner;
            return new Pt(centre.X + (radius * Math.Cos(angle)), centre.Y + (radius * Math.Sin(angle)));
        })];

    /// <summary>The offset from the nearest dot of a staggered grid, and its length.</summary>
    private static (double Dx, double Dy, double Distance) NearestDot(double x, double y, double spacing)
    {
        var rowHeight = spacing * 0.866;
        var best = (Dx: 0.0, Dy: 0.0, Distance: double.MaxValue);
        var row = Math.Floor(y / rowHeight);
        for (var j = row; j <= row + 1; j++)
        {
            var shift = ((long)j & 1) == 0 ? 0 : spacing / 2;
            var column = Math.Round((x - shift) / spacing);
            var dx = x - ((column * spacing) + shift);
            var dy = y - (j * rowHeight);
            var distance = Math.Sqrt((dx * dx) + (dy * dy));
            if (distance < best.Distance)
            {
                best = (dx, dy, distance);
            }
        }

        return best;
    }

    /// <summary>1 inside stripes <paramref name="halfWidth"/> either side of every multiple of <paramref name="period"/>, anti-aliased.</summary>
    private static double Band(double position, double period, double halfWidth)
    {
        var offset = position - (Math.Round(position / period) * period);
        return Math.Clamp(halfWidth + 0.5 - Math.Abs(offset), 0, 1);
    }

    /// <summary>How much of a white pattern may show this far inside the garment's edge: none within 6 pixels.</summary>
    private static double Inset(double edgeDistance) => Math.Clamp((edgeDistance - 6) / 3, 0, 1);

    /// <summary>
    /// Light on the cloth: broad gentle variations, a little brighter towards the top left, folds, and edges that roll
    /// over into shadow.
    /// </summary>
    private static double Shade(int x, int y, double edgeDistance, int seed, Fold[] folds, double top)
    {
        var shade = 1 + (0.06 * Textures.Sample(Textures.Shared.Broad, x, y, seed)) + (0.035 * Textures.Sample(Textures.Shared.Medium, x, y, seed + 1));
        shade += 0.04 * (((Middle - x) / Width) + ((Height / 2.0 - y) / Height));
        foreach (var fold in folds)
        {
            shade += fold.At(x - Middle, y - top);
        }

        return edgeDistance > 25 ? shade : shade * (1 - (0.24 * Math.Exp(-edgeDistance / 3.5)));
    }

    /// <summary>Fine fabric texture: thread-level noise and a faint weave.</summary>
    private static double Weave(int x, int y, int seed) =>
        (0.03 * Textures.Sample(Textures.Shared.Grain, x, y, seed)) + (0.025 * Textures.Sample(Textures.Shared.Thread, x, y, seed + 1)) + (0.012 * Math.Sin(x * 1.9) * Math.Sin(y * 1.9));

    private static double Dot(Pt a, Pt b) => (a.X * b.X) + (a.Y * b.Y);

    private static double Cross(Pt a, Pt b) => (a.X * b.Y) - (a.Y * b.X);

    /// <summary>A repeatable value in [-1, 1] for each pixel and seed.</summary>
    private static double Hash(int x, int y, int seed)
    {
        unchecked
        {
            var h = ((uint)x * 0x27D4EB2Du) + ((uint)y * 0x165667B1u) + ((uint)seed * 0x9E3779B9u);
            h ^= h >> 16;
            h *= 0x7FEB352Du;
            h ^= h >> 15;
            h *= 0x846CA68Bu;
            h ^= h >> 16;
            return (h / (double)uint.MaxValue * 2) - 1;
        }
    }

    /// <summary>Smooth value noise in [-1, 1] with features about <paramref name="scale"/> pixels across.</summary>
    private static double Smooth(double x, double y, double scale, int seed)
    {
        var (fx, fy) = (x / scale, y / scale);
        var (ix, iy) = ((int)Math.Floor(fx), (int)Math.Floor(fy));
        var (tx, ty) = (fx - ix, fy - iy);
        tx = tx * tx * (3 - (2 * tx));
        ty = ty * ty * (3 - (2 * ty));
        var (topLeft, bottomLeft) = (Hash(ix, iy, seed), Hash(ix, iy + 1, seed));
        var upper = topLeft + ((Hash(ix + 1, iy, seed) - topLeft) * tx);
        var lower = bottomLeft + ((Hash(ix + 1, iy + 1, seed) - bottomLeft) * tx);
        return upper + ((lower - upper) * ty);
    }

    private readonly record struct Pt(double X, double Y)
    {
        /// <summary>The direction <paramref name="degrees"/> below the horizontal, to the right.</summary>
        public static Pt Angle(double degrees) => new(Math.Cos(degrees * Math.PI / 180), Math.Sin(degrees * Math.PI / 180));

        /// <summary>This direction turned a quarter turn clockwise on screen (to the right of it, y down).</summary>
        public Pt Normal => new(-Y, X);

        public static Pt operator +(Pt a, Pt b) => new(a.X + b.X, a.Y + b.Y);

        public static Pt operator -(Pt a, Pt b) => new(a.X - b.X, a.Y - b.Y);

        public static Pt operator *(Pt a, double k) => new(a.X * k, a.Y * k);

        /// <summary>This point on the right (1) or mirrored onto the left (-1) of the centre line.</summary>
        public Pt Side(int side) => new(X * side, Y);

        public Pt Offset(double dx, double dy) => new(X + dx, Y + dy);

        /// <summary>From garment coordinates (x from the centre line, y down from the garment's top) to the photo's.</summary>
        public Pt Placed(double top) => new(Middle + X, top + Y);
    }

    private readonly record struct Rgb(double R, double G, double B)
    {
        public Rgb Times(double k) => new(R * k, G * k, B * k);

        public Rgb Towards(Rgb other, double t) => new(R + ((other.R - R) * t), G + ((other.G - G) * t), B + ((other.B - B) * t));
    }

    /// <summary>
    /// A soft fold along a segment in garment coordinates: lit on one side, in shadow on the other, fading at its ends.
    /// </summary>
    private sealed class Fold
    {
        private readonly double _fromX;
        private readonly double _fromY;
        private readonly double _alongX;
        private readonly double _alongY;
        private readonly double _length;

        public Fold(Pt from, Pt to, double width, double strength)
        {
            (From, To, Width, Strength) = (from, to, width, strength);
            (_fromX, _fromY) = (from.X, from.Y);
            _length = Math.Sqrt(Dot(to - from, to - from));
            (_alongX, _alongY) = ((to.X - from.X) / _length, (to.Y - from.Y) / _length);
        }

        public Pt From { get; }

        public Pt To { get; }

        public double Width { get; }

        public double Strength { get; }

        public Fold Mirrored() => new(From.Side(-1), To.Side(-1), Width, -Strength);

        public double At(double x, double y)
        {
            var (dx, dy) = (x - _fromX, y - _fromY);
            var along = (dx * _alongX) + (dy * _alongY);
            if (along < 0 || along > _length)
            {
                return 0;
            }

            var across = ((_alongX * dy) - (_alongY * dx)) / Width;
            return across is > 4 or < -4 ? 0 : Strength * 2.3 * across * Math.Exp(-across * across) * Math.Sin(along / _length * Math.PI);
        }
    }

    /// <summary>
    /// Noise made once and shared by every photo, so that drawing is quick: per-pixel grain and smooth noise in
    /// [-1, 1] with features about 3, 55 and 170 pixels across, each tiling a square (a garment reads it from its own
    /// offset, without a seam); and the floor's light, the photo's size.
    /// </summary>
    private sealed class Textures
    {
        public static readonly Textures Shared = new();

        private const int Tile = 1024;

        private Textures()
        {
            Grain = Tiled(1, 1);
            Thread = Tiled(3, 2);
            Medium = Tiled(55, 3);
            Broad = Tiled(170, 4);
            Floor = new float[Width * Height];
            Parallel.For(0, Height, y =>
            {
                for (var x = 0; x < Width; x++)
                {
                    var (dx, dy) = ((x - Middle) / Middle, (y - (Height / 2.0)) / (Height / 2.0));
                    var light = (1.3 * Hash(x, y, 5)) + (1.2 * Smooth(x, y, 70, 6)) + (1.0 * Smooth(x, y, 260, 7));
                    Floor[(y * Width) + x] = (float)(light - (2.5 * ((dx * dx) + (dy * dy))));
                }
            });
        }

        public float[] Grain { get; }

        public float[] Thread { get; }

        public float[] Medium { get; }

        public float[] Broad { get; }

        public float[] Floor { get; }

        /// <summary>A tiled field's value at (x, y), shifted by <paramref name="seed"/>.</summary>
        public static float Sample(float[] field, int x, int y, int seed) =>
            field[(((y + (seed * 197)) & (Tile - 1)) * Tile) + ((x + (seed * 331)) & (Tile - 1))];

        /// <summary>Value noise on a lattice that wraps round the tile, its cells as near <paramref name="scale"/> as fit.</summary>
        private static float[] Tiled(double scale, int seed)
        {
            var cells = Math.Max(1, (int)Math.Round(Tile / scale));
            var size = Tile / (double)cells;
            var field = new float[Tile * Tile];
            Parallel.For(0, Tile, y =>
            {
                var fy = y / size;
                var iy = (int)fy;
                var ty = fy - iy;
                ty = ty * ty * (3 - (2 * ty));
                for (var x = 0; x < Tile; x++)
                {
                    var fx = x / size;
                    var ix = (int)fx;
                    var tx = fx - ix;
                    tx = tx * tx * (3 - (2 * tx));
                    var (left, right, up, down) = (ix % cells, (ix + 1) % cells, iy % cells, (iy + 1) % cells);
                    var upper = Hash(left, up, seed) + ((Hash(right, up, seed) - Hash(left, up, seed)) * tx);
                    var lower = Hash(left, down, seed) + ((Hash(right, down, seed) - Hash(left, down, seed)) * tx);
                    field[(y * Tile) + x] = (float)(upper + ((lower - upper) * ty));
                }
            });
            return field;
        }
    }

    /// <summary>A polyline built from points and curves (sampled), in garment coordinates.</summary>
    private sealed class Outline
    {
        private const int Steps = 24;

        private readonly List<Pt> _points = [];

        public Outline(Pt start) => _points.Add(start);

        public Pt[] Points => [.. _points];

        public Outline To(Pt point)
        {
            _points.Add(point);
            return this;
        }

        public Outline Append(Outline other)
        {
            _points.AddRange(other._points.Skip(1));
            return this;
        }

        /// <summary>A quadratic curve from the last point.</summary>
        public Outline Curve(Pt control, Pt end)
        {
            var start = _points[^1];
            for (var i = 1; i <= Steps; i++)
            {
                var t = i / (double)Steps;
                _points.Add((start * ((1 - t) * (1 - t))) + (control * (2 * t * (1 - t))) + (end * (t * t)));
            }

            return this;
        }

        /// <summary>A cubic curve from the last point.</summary>
        public Outline Curve(Pt first, Pt second, Pt end)
        {
            var start = _points[^1];
            for (var i = 1; i <= Steps; i++)
            {
                var t = i / (double)Steps;
                var s = 1 - t;
                _points.Add((start * (s * s * s)) + (first * (3 * s * s * t)) + (second * (3 * s * t * t)) + (end * (t * t * t)));
            }

            return this;
        }

        /// <summary>
        /// The whole outline of a garment symmetric about its centre line, from its right half (x at least 0) drawn from
        /// the centre line at the top round to the centre line below.
        /// </summary>
        public Outline Mirrored()
        {
            var mirrored = new Outline(_points[0]);
            mirrored._points.AddRange(_points.Skip(1));
            mirrored._points.AddRange(Enumerable.Reverse(_points).Skip(1).SkipLast(1).Select(p => p.Side(-1)));
            return mirrored;
        }

        public Pt[] Placed(double top) => [.. _points.Select(p => p.Placed(top))];
    }

    /// <summary>Coverage in [0, 1] over a box of the photo; 0 outside it.</summary>
    private sealed class Mask
    {
        private const int Samples = 4;

        private readonly float[] _alpha;

        private Mask(int left, int top, int right, int bottom)
        {
            Left = Math.Clamp(left, 0, Width);
            Top = Math.Clamp(top, 0, Height);
            Right = Math.Clamp(right, Left, Width);
            Bottom = Math.Clamp(bottom, Top, Height);
            _alpha = new float[(Right - Left) * (Bottom - Top)];
        }

        public int Left { get; }

        public int Top { get; }

        public int Right { get; }

        public int Bottom { get; }

        public float this[int x, int y]
        {
            get => x >= Left && x < Right && y >= Top && y < Bottom ? _alpha[((y - Top) * (Right - Left)) + x - Left] : 0;
            private set => _alpha[((y - Top) * (Right - Left)) + x - Left] = value;
        }

        /// <summary>
        /// A filled polygon (even-odd), 4 x 4 samples a pixel, over its bounding box: each sub-row's crossings with
        /// the edges, sorted, give the runs of samples inside.
        /// </summary>
        public static Mask Polygon(IReadOnlyList<Pt> points)
        {
            var mask = new Mask(
                (int)Math.Floor(points.Min(p => p.X)),
                (int)Math.Floor(points.Min(p => p.Y)),
                (int)Math.Ceiling(points.Max(p => p.X)) + 1,
                (int)Math.Ceiling(points.Max(p => p.Y)) + 1);
            var width = mask.Right - mask.Left;
            var counts = new int[width];
            var crossings = new List<double>();
            for (var y = mask.Top; y < mask.Bottom; y++)
            {
                Array.Clear(counts);
                for (var sy = 0; sy < Samples; sy++)
                {
                    var row = y + ((sy + 0.5) / Samples);
                    crossings.Clear();
                    for (int i = 0, j = points.Count - 1; i < points.Count; j = i++)
                    {
                        var (a, b) = (points[j], points[i]);
                        if ((a.Y <= row) != (b.Y <= row))
                        {
                            crossings.Add(a.X + ((row - a.Y) * (b.X - a.X) / (b.Y - a.Y)));
                        }
                    }

                    crossings.Sort();
                    for (var c = 0; c + 1 < crossings.Count; c += 2)
                    {
                        // Sample k lies at x = (k + 0.5) / Samples; those from crossing to crossing are inside.
                        var first = Math.Max((int)Math.Ceiling((crossings[c] * Samples) - 0.5), mask.Left * Samples);
                        var last = Math.Min((int)Math.Ceiling((crossings[c + 1] * Samples) - 0.5), mask.Right * Samples);
                        for (var k = first; k < last; k++)
                        {
                            counts[(k / Samples) - mask.Left]++;
                        }
                    }
                }

                for (var x = 0; x < width; x++)
                {
                    mask[mask.Left + x, y] = counts[x] / (float)(Samples * Samples);
                }
            }

            return mask;
        }

        /// <summary>A line <paramref name="width"/> pixels wide along a polyline, anti-aliased by distance.</summary>
        public static Mask Stroke(IReadOnlyList<Pt> line, double width)
        {
            var reach = (width / 2) + 1;
            var mask = new Mask(
                (int)Math.Floor(line.Min(p => p.X) - reach),
                (int)Math.Floor(line.Min(p => p.Y) - reach),
                (int)Math.Ceiling(line.Max(p => p.X) + reach) + 1,
                (int)Math.Ceiling(line.Max(p => p.Y) + reach) + 1);
            for (var s = 0; s + 1 < line.Count; s++)
            {
                var (a, b) = (line[s], line[s + 1]);
                var along = b - a;
                var length2 = Math.Max(Dot(along, along), 1e-9);
                var x0 = Math.Max((int)Math.Floor(Math.Min(a.X, b.X) - reach), mask.Left);
                var x1 = Math.Min((int)Math.Ceiling(Math.Max(a.X, b.X) + reach), mask.Right - 1);
                var y0 = Math.Max((int)Math.Floor(Math.Min(a.Y, b.Y) - reach), mask.Top);
                var y1 = Math.Min((int)Math.Ceiling(Math.Max(a.Y, b.Y) + reach), mask.Bottom - 1);
                for (var y = y0; y <= y1; y++)
                {
                    for (var x = x0; x <= x1; x++)
                    {
                        var p = new Pt(x + 0.5, y + 0.5);
                        var t = Math.Clamp(Dot(p - a, along) / length2, 0, 1);
                        var d = p - (a + (along * t));
                        var cover = (float)Math.Clamp((width / 2) + 0.5 - Math.Sqrt(Dot(d, d)), 0, 1);
                        mask[x, y] = Math.Max(mask[x, y], cover);
                    }
                }
            }

            return mask;
        }

        public static Mask Disc(Pt centre, double radius)
        {
            var mask = new Mask(
                (int)Math.Floor(centre.X - radius - 1),
                (int)Math.Floor(centre.Y - radius - 1),
                (int)Math.Ceiling(centre.X + radius + 1) + 1,
                (int)Math.Ceiling(centre.Y + radius + 1) + 1);
            for (var y = mask.Top; y < mask.Bottom; y++)
            {
                for (var x = mask.Left; x < mask.Right; x++)
                {
                    var d = new Pt(x + 0.5, y + 0.5) - centre;
                    mask[x, y] = (float)Math.Clamp(radius + 0.5 - Math.Sqrt(Dot(d, d)), 0, 1);
                }
            }

            return mask;
        }

        /// <summary>This mask where <paramref name="other"/> covers too.</summary>
        public Mask Within(Mask other)
        {
            var mask = new Mask(Math.Max(Left, other.Left), Math.Max(Top, other.Top), Math.Min(Right, other.Right), Math.Min(Bottom, other.Bottom));
            for (var y = mask.Top; y < mask.Bottom; y++)
            {
                for (var x = mask.Left; x < mask.Right; x++)
                {
                    mask[x, y] = this[x, y] * other[x, y];
                }
            }

            return mask;
        }
    }

    /// <summary>The picture being drawn: a floor with the garment's soft shadow, then the garment, layer by layer.</summary>
    private sealed class Photo
    {
        private const int ShadowRadius = 9;

        private readonly float[] _red = new float[Width * Height];

        private readonly float[] _green = new float[Width * Height];

        private readonly float[] _blue = new float[Width * Height];

        private readonly float[] _edgeDistance;

        public Photo(Mask garment)
        {
            _edgeDistance = DistanceInside(garment);
            var shadow = Blurred(garment, ShadowRadius);
            Parallel.For(0, Height, y =>
            {
                for (var x = 0; x < Width; x++)
                {
                    // Off-white paper (grain, mottling, a touch of vignette) under the garment's shadow, cast down and
                    // right; never below 240 in any channel, so the cut-out always sees floor.
                    var cast = x >= 5 && y >= 7 ? shadow[((y - 7) * Width) + x - 5] : 0;
                    var index = (y * Width) + x;
                    var light = Textures.Shared.Floor[index] - (6 * cast);
                    _red[index] = Floor(249 + light + (0.4 * Textures.Sample(Textures.Shared.Grain, x, y, 4)));
                    _green[index] = Floor(247 + light);
                    _blue[index] = Floor(244 + light);
                }
            });
        }

        /// <summary>How far inside the garment's outline a pixel lies, in pixels (0 outside).</summary>
        public double EdgeDistance(int x, int y) =>
            x < 0 || y < 0 || x >= Width || y >= Height ? 0 : _edgeDistance[(y * Width) + x];

        /// <summary>Lays <paramref name="colour"/> over the picture where the mask covers, in proportion to its cover.</summary>
        public void Paint(Mask mask, Func<int, int, Rgb> colour)
        {
            Parallel.For(mask.Top, mask.Bottom, y =>
            {
                for (var x = mask.Left; x < mask.Right; x++)
                {
                    var index = (y * Width) + x;
                    var a = mask[x, y];
                    if (a <= 0)
                    {
                        continue;
                    }

                    var c = colour(x, y);
                    _red[index] += a * ((float)c.R - _red[index]);
                    _green[index] += a * ((float)c.G - _green[index]);
                    _blue[index] += a * ((float)c.B - _blue[index]);
                }
            });
        }

        /// <summary>Multiplies the picture by <paramref name="factor"/> where the mask covers: seams and stitching in shadow.</summary>
        public void Darken(Mask mask, double factor) => Apply(mask, (x, y, r, g, b) => new Rgb(r * factor, g * factor, b * factor));

        /// <summary>Blends <paramref name="colour"/> in at <paramref name="opacity"/> where the mask covers: light thread.</summary>
        public void Tint(Mask mask, Rgb colour, double opacity) =>
            Apply(mask, (x, y, r, g, b) => new Rgb(r, g, b).Towards(colour.Times(1 + (0.08 * Textures.Sample(Textures.Shared.Grain, x, y, 21))), opacity));

        public byte[] Jpeg()
        {
            var pixels = new byte[Width * Height * 3];
            for (var i = 0; i < Width * Height; i++)
            {
                pixels[3 * i] = (byte)Math.Clamp(Math.Round(_red[i]), 0, 255);
                pixels[(3 * i) + 1] = (byte)Math.Clamp(Math.Round(_green[i]), 0, 255);
                pixels[(3 * i) + 2] = (byte)Math.Clamp(Math.Round(_blue[i]), 0, 255);
            }

            using var image = Image.NewFromMemory(pixels, Width, Height, 3, Enums.BandFormat.Uchar);
            return image.JpegsaveBuffer(q: 95);
        }

        private static float Floor(double value) => (float)Math.Clamp(value, 240, 255);

        /// <summary>Distance to the outside of the mask (cover under a half), by a two-pass chamfer transform.</summary>
        private static float[] DistanceInside(Mask mask)
        {
            const float straight = 1f;
            const float diagonal = 1.41421f;
            var distance = new float[Width * Height];
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    var index = (y * Width) + x;
                    if (mask[x, y] < 0.5f)
                    {
                        continue;
                    }

                    var d = float.MaxValue;
                    d = Math.Min(d, x > 0 ? distance[index - 1] + straight : straight);
                    d = Math.Min(d, y > 0 ? distance[index - Width] + straight : straight);
                    d = Math.Min(d, x > 0 && y > 0 ? distance[index - Width - 1] + diagonal : diagonal);
                    d = Math.Min(d, x < Width - 1 && y > 0 ? distance[index - Width + 1] + diagonal : diagonal);
                    distance[index] = d;
                }
            }

            for (var y = Height - 1; y >= 0; y--)
            {
                for (var x = Width - 1; x >= 0; x--)
                {
                    var index = (y * Width) + x;
                    if (distance[index] == 0)
                    {
                        continue;
                    }

                    var d = distance[index];
                    d = Math.Min(d, x < Width - 1 ? distance[index + 1] + straight : straight);
                    d = Math.Min(d, y < Height - 1 ? distance[index + Width] + straight : straight);
                    d = Math.Min(d, x < Width - 1 && y < Height - 1 ? distance[index + Width + 1] + diagonal : diagonal);
                    d = Math.Min(d, x > 0 && y < Height - 1 ? distance[index + Width - 1] + diagonal : diagonal);
                    distance[index] = d;
                }
            }

            return distance;
        }

        /// <summary>The mask softened by three box blurs (close to a Gaussian), for the shadow it casts.</summary>
        private static float[] Blurred(Mask mask, int radius)
        {
            var values = new float[Width * Height];
            for (var y = mask.Top; y < mask.Bottom; y++)
            {
                for (var x = mask.Left; x < mask.Right; x++)
                {
                    values[(y * Width) + x] = mask[x, y];
                }
            }

            var scratch = new float[values.Length];
            for (var pass = 0; pass < 3; pass++)
            {
                BoxBlur(values, scratch, radius, horizontal: true);
                BoxBlur(scratch, values, radius, horizontal: false);
            }

            return values;
        }

        private static void BoxBlur(float[] source, float[] target, int radius, bool horizontal)
        {
            var (lines, length) = horizontal ? (Height, Width) : (Width, Height);
            var (step, lineStep) = horizontal ? (1, Width) : (Width, 1);
            for (var line = 0; line < lines; line++)
            {
                var start = line * lineStep;
                var sum = 0f;
                for (var i = -radius; i <= radius; i++)
                {
                    sum += source[start + (Math.Clamp(i, 0, length - 1) * step)];
                }

                for (var i = 0; i < length; i++)
                {
                    target[start + (i * step)] = sum / ((2 * radius) + 1);
                    sum += source[start + (Math.Min(i + radius + 1, length - 1) * step)];
                    sum -= source[start + (Math.Max(i - radius, 0) * step)];
                }
            }
        }

        private void Apply(Mask mask, Func<int, int, float, float, float, Rgb> change)
        {
            Parallel.For(mask.Top, mask.Bottom, y =>
            {
                for (var x = mask.Left; x < mask.Right; x++)
                {
                    var index = (y * Width) + x;
                    var a = mask[x, y];
                    if (a <= 0)
                    {
                        continue;
                    }

                    var c = change(x, y, _red[index], _green[index], _blue[index]);
                    _red[index] += a * ((float)c.R - _red[index]);
                    _green[index] += a * ((float)c.G - _green[index]);
                    _blue[index] += a * ((float)c.B - _blue[index]);
                }
            });
        }
    }
}
