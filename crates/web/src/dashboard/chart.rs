//! Line charts as inline SVG, drawn on the server: no script, no other origin, nothing the
//! Content-Security-Policy has to allow. The geometry is computed here and handed to the
//! `staff_chart` template, which escapes every text (group names are typed in by people), so no
//! markup is ever built from strings. Colours are told apart by dash patterns as well, for
//! readers who do not see colour, and every chart has a table with the same numbers next to it.

use serde::Serialize;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// Okabe-Ito colours (distinguishable with the common colour-vision deficiencies) and dashes.
const STYLES: &[(&str, &str)] = &[
    ("#0072B2", "none"),
    ("#D55E00", "6 3"),
    ("#009E73", "2 3"),
    ("#CC79A7", "8 3 2 3"),
    ("#E69F00", "4 4"),
    ("#56B4E9", "1 2"),
    ("#000000", "10 4"),
];

/// One line: a value per point of the x axis, `None` where there is nothing to show.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// What a chart shows.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Unique on the page; ties the SVG to its title and description.
    pub id: String,
    pub title: String,
    pub description: String,
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
    /// `Some(100)` for percentages; `None` to fit the largest value.
    pub y_max: Option<f64>,
    /// How values read in tick labels and tooltips (`"75 %"`, `"12"`).
    pub unit: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Drawn {
    id: String,
    title: String,
    description: String,
    width: u32,
    height: u32,
    axis: Axis,
    grid: Vec<Tick>,
    x_ticks: Vec<Tick>,
    series: Vec<DrawnSeries>,
}

#[derive(Debug, Serialize, PartialEq)]
struct Axis {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

#[derive(Debug, Serialize, PartialEq)]
struct Tick {
    x: f64,
    y: f64,
    label: String,
    /// How the label sits on its point: the last week's ends there, so it stays on the chart.
    anchor: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
struct DrawnSeries {
    name: String,
    color: &'static str,
    dash: &'static str,
    /// Polyline point lists; a gap (no value) starts a new one.
    segments: Vec<String>,
    dots: Vec<Dot>,
}

#[derive(Debug, Serialize, PartialEq)]
struct Dot {
    x: f64,
    y: f64,
    label: String,
}

/// 1, 2 or 5 times a power of ten, at least `v`: an axis maximum people read at a glance.
fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|c| *c >= v).unwrap_or(10.0 * power)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn number(v: f64, unit: &str) -> String {
    let text = if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") };
    if unit.is_empty() {
        text
    } else {
        format!("{text} {unit}")
    }
}

impl LineChart {
    /// The chart's geometry in SVG user units, for the `staff_chart` template.
    pub fn draw(&self) -> Drawn {
        self.draw_sized(WIDTH, HEIGHT)
    }

    /// Drawn in a smaller box (a phone's width, 360 px), so its 12 px texts stay 12 px.
    pub fn draw_sized(&self, width: f64, height: f64) -> Drawn {
        let plot_w = width - LEFT - RIGHT;
        let plot_h = height - TOP - BOTTOM;
        let largest = self.series.iter().flat_map(|s| s.values.iter().flatten()).copied().fold(0.0, f64::max);
        let y_max = self.y_max.unwrap_or_else(|| nice_ceiling(largest.max(1.0)));
        let n = self.x_labels.len().max(1);
        let x_at = |i: usize| if n == 1 { LEFT + plot_w / 2.0 } else { LEFT + plot_w * i as f64 / (n - 1) as f64 };
        let y_at = |v: f64| TOP + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
        let grid = (0..=4)
            .map(|k| {
                let v = y_max * f64::from(k) / 4.0;
                Tick { x: LEFT, y: round1(y_at(v)), label: number(v, self.unit), anchor: "end" }
            })
            .collect();
        // At most about ten labels, so they never run into each other.
        // Room for a label every 56 px or so (ten on the full width).
        let every = n.div_ceil(((plot_w / 56.0).floor() as usize).clamp(2, 10));
        let x_ticks = self
            .x_labels
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i == n - 1)
            .map(|(i, label)| Tick {
                x: round1(x_at(i)),
                y: height - BOTTOM + 18.0,
                label: label.clone(),
                anchor: if i == n - 1 && n > 1 { "end" } else { "middle" },
            })
            .collect();
        let series = self
            .series
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let (color, dash) = STYLES[k % STYLES.len()];
                let mut segments = Vec::new();
                let mut current: Vec<String> = Vec::new();
                let mut dots = Vec::new();
                for (i, v) in s.values.iter().enumerate() {
                    match v.filter(|v| v.is_finite()) {
                        Some(v) => {
                            let (x, y) = (round1(x_at(i)), round1(y_at(v)));
                            current.push(format!("{x},{y}"));
                            let at = self.x_labels.get(i).map(String::as_str).unwrap_or("");
                            dots.push(Dot { x, y, label: format!("{}, {at}: {}", s.name, number(v, self.unit)) });
                        }
                        None if !current.is_empty() => segments.push(std::mem::take(&mut current).join(" ")),
                        None => {}
                    }
                }
                if !current.is_empty() {
                    segments.push(current.join(" "));
                }
                DrawnSeries { name: s.name.clone(), color, dash, segments, dots }
            })
            .collect();
        Drawn {
            id: self.id.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            width: width as u32,
            height: height as u32,
            axis: Axis { left: LEFT, right: width - RIGHT, top: TOP, bottom: height - BOTTOM },
            grid,
            x_ticks,
            series,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<Option<f64>>, y_max: Option<f64>) -> Drawn {
        LineChart {
            id: "c".into(),
            title: "t".into(),
            description: "d".into(),
            x_labels: (1..=values.len()).map(|i| format!("W{i}")).collect(),
            series: vec![Series { name: "a".into(), values }],
            y_max,
            unit: "%",
        }
        .draw()
    }

    #[test]
    fn axis_maxima_are_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(17.0), 20.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
        assert_eq!(nice_ceiling(101.0), 200.0);
    }

    #[test]
    fn a_gap_splits_the_line_and_values_sit_on_the_scale() {
        let d = chart(vec![Some(100.0), Some(0.0), None, Some(50.0)], Some(100.0));
        let s = &d.series[0];
        assert_eq!(s.segments.len(), 2);
        assert_eq!(s.dots.len(), 3);
        assert_eq!(s.dots[0].y, TOP);
        assert_eq!(s.dots[1].y, HEIGHT - BOTTOM);
        assert_eq!(s.dots[0].x, LEFT);
        assert_eq!(s.dots[2].x, WIDTH - RIGHT);
        assert_eq!(s.dots[2].label, "a, W4: 50 %");
        assert_eq!(d.grid.last().unwrap().label, "100 %");
    }

    #[test]
    fn many_weeks_get_few_labels_and_one_point_is_centred() {
        let d = chart(vec![Some(1.0); 52], None);
        assert!(d.x_ticks.len() <= 11, "{}", d.x_ticks.len());
        assert_eq!(d.x_ticks.last().unwrap().label, "W52");
        let one = chart(vec![Some(3.0)], None);
        assert_eq!(one.series[0].dots[0].x, round1(LEFT + (WIDTH - LEFT - RIGHT) / 2.0));
        assert_eq!(one.grid.last().unwrap().label, "5 %");
    }
}
