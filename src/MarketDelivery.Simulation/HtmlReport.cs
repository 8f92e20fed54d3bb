using System.Globalization;
using System.Net;
using System.Text;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation;

/// <summary>
/// A self-contained HTML report: KPI table, inline SVG charts (orders and lateness over the day, courier
/// utilisation) and an SVG map of one courier's routes drawn from coordinates. No scripts, tiles or fonts to fetch.
/// </summary>
public static class HtmlReport
{
    private const string DispatcherColour = "#1f77b4";
    private const string BaselineColour = "#d62728";
    private const string DistrictColour = "#2ca02c";
    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(30);

    public static string DefaultPath()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketDelivery.sln")))
            {
                return Path.Combine(dir.FullName, "artifacts", "simulation", "report.html");
            }
        }
        return Path.Combine("artifacts", "simulation", "report.html");
    }

    public static void Write(string path, World world, SimulationOptions options, RunResult? dispatcher, RunResult? baseline, RunResult? perMarket = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(path, Render(world, options, dispatcher, baseline, perMarket), Encoding.UTF8);
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <param name="perMarket">A district day's per-market dispatcher run, shown in the KPI table beside the district run.</param>
    public static string Render(World world, SimulationOptions options, RunResult? dispatcher, RunResult? baseline, RunResult? perMarket = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        var runs = new[] { dispatcher, perMarket, baseline }.OfType<RunResult>().ToList();
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MarketDelivery day simulation</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}svg{background:#fff;border:1px solid #ddd;margin:8px 0}.note{color:#555;font-size:90%}</style>");
        sb.AppendLine("</head><body>");
        sb.AppendLine(I($"<h1>Day simulation {options.Date:yyyy-MM-dd}, seed {options.Seed}</h1>"));
        sb.AppendLine(I($"<p>{world.Markets.Count} markets ({E(string.Join(", ", world.Markets.Select(m => m.Id)))}), {world.Orders.Count} orders, {world.Couriers.Count} couriers ({E(string.Join(", ", world.Markets.Select(m => m.Id + " " + world.Couriers.Count(c => c.MarketId == m.Id))))}; {world.Couriers.Count(c => c.Mode == MarketDelivery.Routing.Model.TravelMode.Scooter)} scooters, the rest bicycles). Wave solve limit {options.WaveTimeLimit.TotalMilliseconds:0} ms, re-plan limit {options.ReplanTimeLimit.TotalMilliseconds:0} ms.</p>"));

        sb.AppendLine("<h2>KPIs</h2><table><tr><th>run</th><th>orders</th><th>delivered</th><th>on time %</th><th>mean lateness (min)</th><th>p95 lateness (min)</th><th>courier-km</th><th>km / order</th><th>orders / busy courier-hour</th><th>unassigned</th><th>plans</th><th>solve p50 (ms)</th><th>solve p95 (ms)</th></tr>");
        foreach (var r in runs)
        {
            var k = r.Kpis;
            sb.AppendLine(I($"<tr><td>{E(r.Policy)}</td><td>{k.Orders}</td><td>{k.Delivered}</td><td>{k.OnTimePct:0.00}</td><td>{k.MeanLatenessMin:0.0}</td><td>{k.P95LatenessMin:0.0}</td><td>{k.CourierKm:0.0}</td><td>{k.KmPerOrder:0.000}</td><td>{k.OrdersPerCourierHour:0.00}</td><td>{k.Unassigned}</td><td>{k.Replans}</td><td>{k.SolveP50Ms:0}</td><td>{k.SolveP95Ms:0}</td></tr>"));
        }
        sb.AppendLine("</table>");
        foreach (var r in runs.Where(r => r.Error is not null))
        {
            sb.AppendLine(I($"<p><b>{E(r.Policy)} stopped early:</b> {E(r.Error!)}</p>"));
        }
        sb.AppendLine(I($"<p><code>{E(Summary.KpiLine(dispatcher, baseline))}</code></p>"));
        if (options.District is not null && dispatcher is not null)
        {
            sb.AppendLine(I($"<p><code>{E(Summary.DistrictLine(world, options.District, options.Seed, dispatcher, perMarket, baseline))}</code></p>"));
        }

        if (runs.Count > 0 && world.Orders.Count > 0)
        {
            var start = Floor(world.Orders.Min(o => o.PlacedAt));
            var end = runs.SelectMany(r => r.Orders).Select(o => o.DeliveredAt ?? o.WindowEnd).Append(world.Orders.Max(o => o.WindowEnd)).Max();
            var buckets = (int)Math.Ceiling((end - start) / Bucket) + 1;
            var labels = Enumerable.Range(0, buckets).Select(i => start + (i * Bucket)).ToList();

            var placed = Count(world.Orders.Select(o => o.PlacedAt), start, buckets);
            var series = new List<Series> { new("orders placed", "#7f7f7f", placed, Bars: true) };
            foreach (var r in runs)
            {
                series.Add(new Series($"delivered ({r.Policy})", Colour(r), Count(r.Orders.Where(o => o.Delivered).Select(o => o.DeliveredAt!.Value), start, buckets)));
            }
            sb.AppendLine("<h2>Orders over the day</h2>");
            sb.AppendLine(Chart("Orders per 30 minutes", labels, series, "orders"));

            var late = runs.Select(r => new Series($"mean lateness ({r.Policy})", Colour(r), MeanBy(r.Orders.Where(o => o.Delivered), o => o.DeliveredAt!.Value, o => o.Lateness.TotalMinutes, start, buckets))).ToList();
            late.AddRange(runs.Select(r => new Series($"late deliveries ({r.Policy})", Colour(r), Count(r.Orders.Where(o => o.Lateness > TimeSpan.Zero).Select(o => o.DeliveredAt!.Value), start, buckets), Dashed: true)));
            sb.AppendLine("<h2>Lateness over the day</h2>");
            sb.AppendLine(Chart("Mean lateness (min) of deliveries in each 30 minutes (solid), late deliveries (dashed)", labels, late, "minutes / count"));

            var util = runs.Select(r => new Series($"utilisation ({r.Policy})", Colour(r), Utilisation(r, start, buckets))).ToList();
            sb.AppendLine("<h2>Courier utilisation</h2>");
            sb.AppendLine(Chart("Busy share of on-shift courier time (riding, waiting at a stop, serving), per 30 minutes, %", labels, util, "%"));
        }

        var mapRun = dispatcher ?? baseline;
        if (mapRun is not null)
        {
            var courier = mapRun.Couriers.Where(c => c.MarketId == world.Markets[0].Id).OrderByDescending(c => c.Stops.Count).ThenBy(c => c.CourierId, StringComparer.Ordinal).FirstOrDefault();
            if (courier is not null)
            {
                sb.AppendLine(I($"<h2>Map: courier {E(courier.CourierId)} ({courier.Mode}, {mapRun.Policy} run)</h2>"));
                sb.AppendLine(I($"<p class=\"note\">{courier.Legs.Count} legs, {courier.Metres / 1000:0.0} km, {courier.Stops.Count(s => s.Kind == SimStopKind.Delivery)} deliveries. Grey: service area of {E(world.Markets[0].Name)}; square: hand-over point; dots: deliveries; each trip from the market has its own colour. Drawn from coordinates (no map tiles).</p>"));
                sb.AppendLine(Map(world.Markets[0], courier));
            }
        }

        sb.AppendLine("<h2>How to read this</h2><p class=\"note\">On time: delivered by the end of the booked window (couriers arriving early wait for the window to open). Lateness: minutes after the window end, over delivered orders. Courier-km: distance actually ridden (street-circuity great-circle, the planner's model). Orders per busy courier-hour: deliveries divided by the hours couriers were riding, waiting at a stop or serving. Unassigned: orders not delivered when the day ended. Plans: planner calls (wave releases and re-plans), wall-clock solve times.</p>");
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static string Colour(RunResult r) => r.Policy switch
    {
        DaySimulation.Baseline => BaselineColour,
        DaySimulation.DistrictDispatcher => DistrictColour,
        _ => DispatcherColour,
    };

    private static DateTimeOffset Floor(DateTimeOffset t) =>
        new(t.Ticks - (t.Ticks % Bucket.Ticks), t.Offset);

    private static double[] Count(IEnumerable<DateTimeOffset> times, DateTimeOffset start, int buckets)
    {
        var v = new double[buckets];
        foreach (var t in times)
        {
            var i = (int)((t - start) / Bucket);
            if (i >= 0 && i < buckets)
            {
                v[i]++;
            }
        }
        return v;
    }

    private static double[] MeanBy<T>(IEnumerable<T> items, Func<T, DateTimeOffset> at, Func<T, double> value, DateTimeOffset start, int buckets)
    {
        var sum = new double[buckets];
        var n = new double[buckets];
        foreach (var item in items)
        {
            var i = (int)((at(item) - start) / Bucket);
            if (i >= 0 && i < buckets)
            {
                sum[i] += value(item);
                n[i]++;
            }
        }
        return sum.Select((s, i) => n[i] == 0 ? 0 : s / n[i]).ToArray();
    }

    private static double[] Utilisation(RunResult r, DateTimeOffset start, int buckets)
    {
        var busy = new double[buckets];
        var onShift = new double[buckets];
        foreach (var c in r.Couriers)
        {
            for (var i = 0; i < buckets; i++)
            {
                var s = start + (i * Bucket);
                onShift[i] += Math.Max(0, (Min(s + Bucket, c.ShiftEnd) - Max(s, c.ShiftStart)).TotalSeconds);
            }
            foreach (var b in c.Busy)
            {
                for (var i = 0; i < buckets; i++)
                {
                    var s = start + (i * Bucket);
                    var e = s + Bucket;
                    var overlap = (Min(e, b.End) - Max(s, b.Start)).TotalSeconds;
                    if (overlap > 0)
                    {
                        busy[i] += overlap;
                    }
                }
            }
        }
        return busy.Select((b, i) => onShift[i] <= 0 ? 0 : Math.Min(100, 100.0 * b / onShift[i])).ToArray();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed record Series(string Name, string Colour, double[] Values, bool Bars = false, bool Dashed = false);

    private static string Chart(string title, IReadOnlyList<DateTimeOffset> labels, IReadOnlyList<Series> series, string yLabel)
    {
        const int W = 1000, H = 320, L = 55, R = 15, T = 30, B = 60;
        var n = labels.Count;
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var niceMax = NiceCeiling(max);
        double X(double i) => L + ((W - L - R) * i / Math.Max(1, n));
        double Y(double v) => T + ((H - T - B) * (1 - (v / niceMax)));
        var sb = new StringBuilder();
        sb.AppendLine(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"11\">"));
        sb.AppendLine(I($"<text x=\"{L}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>"));
        for (var g = 0; g <= 4; g++)
        {
            var v = niceMax * g / 4;
            sb.AppendLine(I($"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{Y(v):0.0}\" y2=\"{Y(v):0.0}\" stroke=\"#eee\"/><text x=\"{L - 5}\" y=\"{Y(v) + 4:0.0}\" text-anchor=\"end\">{v:0.#}</text>"));
        }
        sb.AppendLine(I($"<text x=\"12\" y=\"{T + ((H - T - B) / 2)}\" transform=\"rotate(-90 12 {T + ((H - T - B) / 2)})\" text-anchor=\"middle\">{E(yLabel)}</text>"));
        for (var i = 0; i < n; i += 2)
        {
            sb.AppendLine(I($"<text x=\"{X(i + 0.5):0.0}\" y=\"{H - B + 15}\" text-anchor=\"middle\">{labels[i]:HH:mm}</text>"));
        }
        sb.AppendLine(I($"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{Y(0):0.0}\" y2=\"{Y(0):0.0}\" stroke=\"#333\"/>"));
        var legendX = L;
        foreach (var s in series)
        {
            if (s.Bars)
            {
                for (var i = 0; i < n; i++)
                {
                    var w = (W - L - R) / (double)n * 0.8;
                    sb.Append(I($"<rect x=\"{X(i) + (w * 0.125):0.0}\" y=\"{Y(s.Values[i]):0.0}\" width=\"{w:0.0}\" height=\"{Y(0) - Y(s.Values[i]):0.0}\" fill=\"{s.Colour}\" opacity=\"0.35\"/>"));
                }
                sb.AppendLine();
            }
            else
            {
                var pts = string.Join(" ", s.Values.Select((v, i) => I($"{X(i + 0.5):0.0},{Y(v):0.0}")));
                sb.AppendLine(I($"<polyline fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\"{(s.Dashed ? " stroke-dasharray=\"5,4\"" : "")} points=\"{pts}\"/>"));
            }
            sb.AppendLine(I($"<rect x=\"{legendX}\" y=\"{H - 22}\" width=\"12\" height=\"8\" fill=\"{s.Colour}\"{(s.Bars ? " opacity=\"0.35\"" : "")}/><text x=\"{legendX + 16}\" y=\"{H - 14}\">{E(s.Name)}</text>"));
            legendX += 20 + (int)(s.Name.Length * 6.2);
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static double NiceCeiling(double v)
    {
        var p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var m in new[] { 1.0, 2, 2.5, 5, 10 })
        {
            if (m * p >= v)
            {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static readonly string[] TripColours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728", "#7f7f7f"];

    private static string Map(Market market, CourierOutcome courier)
    {
        const int W = 800, H = 640, Pad = 20;
        var ring = market.ServiceArea.ExteriorRing.Coordinates;
        var lats = ring.Select(c => c.Y).Concat(courier.Legs.SelectMany(l => new[] { l.From.Lat, l.To.Lat })).ToList();
        var lons = ring.Select(c => c.X).Concat(courier.Legs.SelectMany(l => new[] { l.From.Lon, l.To.Lon })).ToList();
        double minLat = lats.Min(), maxLat = lats.Max(), minLon = lons.Min(), maxLon = lons.Max();
        var kx = Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        var scale = Math.Min((W - (2 * Pad)) / Math.Max(1e-9, (maxLon - minLon) * kx), (H - (2 * Pad)) / Math.Max(1e-9, maxLat - minLat));
        double Px(double lon) => Pad + ((lon - minLon) * kx * scale);
        double Py(double lat) => H - Pad - ((lat - minLat) * scale);
        string P(GeoPoint g) => I($"{Px(g.Lon):0.0},{Py(g.Lat):0.0}");

        var sb = new StringBuilder();
        sb.AppendLine(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"11\">"));
        sb.AppendLine(I($"<polygon points=\"{string.Join(" ", ring.Select(c => I($"{Px(c.X):0.0},{Py(c.Y):0.0}")))}\" fill=\"#f0f0f0\" stroke=\"#999\"/>"));
        var hand = market.HandOverPoint.Location;
        var trip = -1;
        foreach (var leg in courier.Legs)
        {
            if (leg.From == hand || trip < 0)
            {
                trip++;
            }
            var colour = TripColours[trip % TripColours.Length];
            sb.AppendLine(I($"<line x1=\"{Px(leg.From.Lon):0.0}\" y1=\"{Py(leg.From.Lat):0.0}\" x2=\"{Px(leg.To.Lon):0.0}\" y2=\"{Py(leg.To.Lat):0.0}\" stroke=\"{colour}\" stroke-width=\"2\" opacity=\"0.8\"><title>{leg.Depart:HH:mm}–{leg.Arrive:HH:mm}, {leg.Metres:0} m</title></line>"));
        }
        foreach (var s in courier.Stops.Where(s => s.Kind == SimStopKind.Delivery))
        {
            var xy = P(s.Location).Split(',');
            sb.AppendLine(I($"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"4\" fill=\"#333\"><title>{E(s.OrderId)} delivered {s.At:HH:mm}</title></circle>"));
        }
        sb.AppendLine(I($"<rect x=\"{Px(hand.Lon) - 6:0.0}\" y=\"{Py(hand.Lat) - 6:0.0}\" width=\"12\" height=\"12\" fill=\"#000\"/><text x=\"{Px(hand.Lon) + 9:0.0}\" y=\"{Py(hand.Lat) - 8:0.0}\">{E(market.Name)} hand-over</text>"));
        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
