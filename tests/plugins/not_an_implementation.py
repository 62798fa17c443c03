{
 "problem": {
  "name": "five-point",
  "n": 5,
  "d": 1,
  "dtype": "float64",
  "eta": 1.0,
  "seed": null,
  "theta0": [
   -2.0,
   -2.0
  ],
  "true_theta": [
   2.0,
   -3.0
  ],
  "data_sha256": "64b9ca0698834b224e92e1e584d0e6dc3f63dc64e9197f23ef49c028856817c1",
  "x": [
   [
    0.5
   ],
   [
    1.0
   ],
   [
    1.5
   ],
   [
    2.0
   ],
   [
    2.5
   ]
  ],
  "y": [
   0.12,
   0.27,
   0.5,
   0.73,
   0.88
  ]
 },
 "seed": 0,
 "device": "cpu",
 "steps": 3,
 "tolerance_rule": "How far a correct implementation may be from the exact gradient: the rule and its reasons.\n\nLet u be the unit round-off of the problem's dtype (2^-53 for float64, 2^-24 for float32),\na_i the point weight of ``reference.point_weights`` and S_L = \u03a3 a_i, S_j = \u03a3 |x\u0303_ij| a_i the\nscales (x\u0303 = (x, 1), so the bias is the last column).\n\nExact methods (reverse and forward mode, the manual chain rule, the complex step):\n    |g_j \u2212 \u2207_j L| \u2264 \u03c4 \u00b7 S_j   and   |\u2113 \u2212 L| \u2264 \u03c4 \u00b7 S_L,   \u03c4 = C \u00b7 u \u00b7 (d + K + \u221an)\n- each point's z = x\u00b7w + b is a (d + 1)-term dot product: error \u2264 (d + 1) u \u03a3|x_k w_k| + |b|,\n  carried into the term by |\u2202t/\u2202z| \u2264 1 + |y| (\u03c3' \u2264 1/4, \u03c3'' \u2264 0.1);\n- the sigmoid, residual and products add K = 16 roundings at most, each relative to a term\n  bounded by (1 + |y|) |x\u0303|;\n- the sum over n points: the frameworks' reductions (pairwise, blocked or vector-lane order)\n  behave like a random walk, \u221an \u00b7 u relative to \u03a3|terms| (Higham, Accuracy and Stability of\n  Numerical Algorithms, \u00a74.2);\n- C = 8 is the safety factor. In float64 \u03c4 \u2248 1e-13 at n = 10^4; a wrong gradient is off by a\n  fraction of |g| itself, many orders of magnitude more.\n\nCentral differences with h_j = \u03b5^(1/3) max(1, |\u03b8_j|) (\u03b5 = 2u):\n    |g_j \u2212 \u2207_j L| \u2264 C_fd \u00b7 (h_j\u00b2 / 6 \u00b7 M3_j + \u03c4 S_L / h_j)\n- truncation: |\u2113'''(z)| \u2264 3 \u03c3'\u03c3'' + |\u03c3 \u2212 y| \u03c3''' \u2264 0.2 (1 + |y|), so M3_j = 0.2 \u03a3|x\u0303_ij|\u00b3(1 + |y_i|);\n- cancellation: each loss carries \u03c4 S_L of error, the difference of two over 2h gives \u03c4 S_L / h.\nForward differences with h_j = \u03b5^(1/2) max(1, |\u03b8_j|):\n    |g_j \u2212 \u2207_j L| \u2264 C_fd \u00b7 (h_j / 2 \u00b7 M2_j + 2 \u03c4 S_L / h_j),  |\u2113''| \u2264 0.16 (1 + |y|),\n    M2_j = 0.16 \u03a3|x\u0303_ij|\u00b2 (1 + |y_i|).\nC_fd = 4. These are bounds, not estimates: a method that meets them is as accurate as its\narithmetic allows, and anything else (a missing factor, a sign) misses them by far.\n",
 "tau": 1.7085060457499947e-14,
 "reference": {
  "theta0": {
   "method": "mpmath-40-digits",
   "loss": "0.807111680775620547722843367091",
   "grad": [
    -0.016599194196682744,
    -0.01360405446614087
   ],
   "loss_scale": 46.98,
   "grad_scale": [
    83.91,
    46.98
   ]
  },
  "probe": {
   "method": "mpmath-40-digits",
   "loss": "0.812043429540020140443135702393",
   "grad": [
    -0.011421184398247745,
    -0.009586870140726731
   ],
   "loss_scale": 50.02681468967559,
   "grad_scale": [
    88.69606508173577,
    50.02681468967559
   ]
  }
 },
 "reference_trajectory": {
  "final_theta": [
   -1.9483499009685636,
   -1.9579713776155623
  ],
  "losses": [
   0.8071116807756206,
   0.8066434239274638,
   0.8061430261680643
  ]
 },
 "implementations": [
  {
   "name": "numpy-manual",
   "method": "manual",
   "status": "pass",
   "failures": [],
   "gradient_at_theta0": {
    "theta": [
     -2.0,
     -2.0
    ],
    "loss": 0.8071116807756206,
    "loss_from_loss_op": 0.8071116807756206,
    "grad": [
     -0.016599194196682744,
     -0.013604054466140873
    ],
    "reference_loss": "0.8071116807756205477228434",
    "reference_grad": [
     -0.016599194196682744,
     -0.01360405446614087
    ],
    "reference_method": "mpmath-40-digits",
    "loss_error": 0.0,
    "loss_op_error": 0.0,
    "loss_tolerance": 1.7085060457499947e-14,
    "grad_error": 7.384944555031108e-20,
    "grad_tolerance": 1.7085060457499947e-14,
    "grad_rho": 3.469446951953614e-18,
    "error_over_tolerance": 4.3224573734471554e-06
   },
   "gradient_at_probe": {
    "theta": [
     -1.9485161599928194,
     -2.4902635855151307
    ],
    "loss": 0.8120434295400202,
    "loss_from_loss_op": 0.8120434295400202,
    "grad": [
     -0.011421184398247746,
     -0.009586870140726733
    ],
    "reference_loss": "0.8120434295400201404431357",
    "reference_grad": [
     -0.011421184398247745,
     -0.009586870140726731
    ],
    "reference_method": "mpmath-40-digits",
    "loss_error": 0.0,
    "loss_op_error": 0.0,
    "loss_tolerance": 1.7085060457499947e-14,
    "grad_error": 3.46758730640273e-20,
    "grad_tolerance": 1.7085060457499947e-14,
    "grad_rho": 1.734723475976807e-18,
    "error_over_tolerance": 2.0296020110836303e-06
   },
   "taylor": {
    "h": [
     0.024902635855151307,
     0.012451317927575653,
     0.006225658963787827,
     0.0031128294818939133,
     0.0015564147409469567,
     0.0007782073704734783,
     0.00038910368523673917,
     0.00019455184261836958
    ],
    "remainder": [
     9.639567079517435e-06,
     2.4303508824500167e-06,
     6.101715704678258e-07,
     1.5286754438144528e-07,
     3.825757250189022e-08,
     9.569485501353311e-09,
     2.393008333784938e-09,
     5.98331728984132e-10
    ],
    "usable": [
     true,
     true,
     true,
     true,
     true,
     true,
     true,
     true
    ],
    "orders": [
     1.987803737063316,
     1.9938777507277192,
     1.9969328247478144,
     1.9984648970768615,
     1.9992320693837087,
     1.9996159398612183,
     1.9998079462190117
    ],
    "observed_order": 1.9984648970768615,
    "min_order": 1.987803737063316,
    "conclusive": true,
    "passed": true,
    "direction": [
     -1.0,
     -0.5843414786242521
    ]
   },
   "descent": {
    "eta": 0.021803899654200404,
    "decrease": 4.849372891728642e-06,
    "predicted": 4.848130495042125e-06,
    "passed": true
   },
   "step": {
    "theta_next": [
     -1.9370949755945717,
     -2.480676715374404
    ],
    "expected": [
     -1.9370949755945717,
     -2.480676715374404
    ],
    "error_over_tolerance": 0.0,
    "passed": true
   },
   "train": {
    "steps": 3,
    "final_theta": [
     -1.9483499009685636,
     -1.9579713776155623
    ],
    "reference_final_theta": [
     -1.9483499009685636,
     -1.9579713776155623
    ],
    "theta_error_over_tolerance": 0.0,
    "loss_error": 0.0,
    "loss_tolerance": 3.708729072297618e-12,
    "initial_loss": 0.8071116807756206,
    "final_loss": 0.8061430261680643,
    "monotone_fraction": 1.0,
    "losses": [
     0.8071116807756206,
     0.8066434239274638,
     0.8061430261680643
    ],
    "matches_reference": true,
    "loss_decreases": true,
    "passed": true
   }
  }
 ],
 "agreement": {
  "theta0": {
   "names": [
    "numpy-manual"
   ],
   "at": "theta0",
   "scaled_difference": [
    [
     0.0
    ]
   ],
   "within_tolerance": [
    [
     true
    ]
   ]
  },
  "probe": {
   "names": [
    "numpy-manual"
   ],
   "at": "probe",
   "scaled_difference": [
    [
     0.0
    ]
   ],
   "within_tolerance": [
    [
     true
    ]
   ]
  }
 },
 "passed": true
}