//! Reading the accurate tier's weights: a safetensors file whose matrices are
//! int8 rows with one float32 scale each (`NAME` as I8 `[rows, cols]`,
//! `NAME.scale` as F32 `[rows]`, `w ≈ q · scale`), everything else float32,
//! as `scripts/encoder/export_accurate.py` writes it. Dequantised once, at
//! load, into the float32 tensors candle's XLM-RoBERTa expects: int8 keeps the
//! shipped file under 40 MB, float32 keeps inference on candle's fast
//! matrix product.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};

use super::EncoderError;

/// Every tensor of the file, dequantised to float32, by transformers' name.
pub fn load(path: &Path, bytes: &[u8]) -> Result<HashMap<String, Tensor>, EncoderError> {
    let corrupt = |reason: String| EncoderError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let st = SafeTensors::deserialize(bytes).map_err(|e| corrupt(e.to_string()))?;
    let mut out = HashMap::new();
    for (name, view) in st.tensors() {
        if name.ends_with(".scale") {
            continue;
        }
        let shape = view.shape().to_vec();
        let data = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::I8 => {
                let scale_name = format!("{name}.scale");
                let scale = st
                    .tensor(&scale_name)
                    .map_err(|_| corrupt(format!("{name} is int8 but {scale_name} is missing")))?;
                let rows = *shape.first().unwrap_or(&0);
                if shape.len() != 2 || scale.dtype() != Dtype::F32 || scale.shape() != [rows] {
                    return Err(corrupt(format!(
                        "{name}: int8 {shape:?} needs a float32 {scale_name} of [{rows}], found {:?} {:?}",
                        scale.dtype(),
                        scale.shape()
                    )));
                }
                let cols = shape[1];
                let scales: Vec<f32> = scale
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                data.iter()
                    .enumerate()
                    .map(|(i, &q)| f32::from(q as i8) * scales[i / cols.max(1)])
                    .collect()
            }
            other => return Err(corrupt(format!("{name}: unexpected dtype {other:?}"))),
        };
        let t = Tensor::from_vec(values, shape.as_slice(), &Device::Cpu)
            .map_err(|e| corrupt(format!("{name}: {e}")))?;
        out.insert(name.to_string(), t);
    }
    Ok(out)
}
