"""The dashboard's charts: Vega-Lite specs and the data behind them, one function each."""
