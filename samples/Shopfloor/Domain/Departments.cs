namespace Shopfloor.Domain;

/// <summary>
/// The five departments of the seed. Their ids are stable strings (the seed's tests use <c>PAINT</c> and <c>QA</c>),
/// so a photo's <c>departmentId</c> can be checked against a closed set on the device and by the collection validator.
/// </summary>
public static class Departments
{
    public static readonly DepartmentInfo Paint = new("PAINT", "Paint", "PNT");
    public static readonly DepartmentInfo BuiltUpStructural = new("STRUCTURAL", "Built Up/Structural", "BUS");
    public static readonly DepartmentInfo PanelTrim = new("PANEL_TRIM", "Panel/Trim", "PTR");
    public static readonly DepartmentInfo ZLine = new("Z_LINE", "Z-Line", "ZLN");
    public static readonly DepartmentInfo QaQc = new("QA", "QA/QC", "QAC");

    /// <summary>All five, in the seed's order.</summary>
    public static IReadOnlyList<DepartmentInfo> All { get; } = [Paint, BuiltUpStructural, PanelTrim, ZLine, QaQc];

    /// <summary>The department ids, for enum rules.</summary>
    public static IReadOnlyList<string> Ids { get; } = [.. All.Select(d => d.Id)];

    /// <summary>The display names, for enum rules.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>Finds a department by its 3-letter code (case-insensitive), or null.</summary>
    public static DepartmentInfo? FindByCode(string code)
    {
        foreach (var d in All)
        {
            if (string.Equals(d.Code, code, StringComparison.OrdinalIgnoreCase))
            {
                return d;
            }
        }
        return null;
    }

    /// <summary>Finds a department by id (exact), or null.</summary>
    public static DepartmentInfo? FindById(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id)
            {
                return d;
            }
        }
        return null;
    }
}
