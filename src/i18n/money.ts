/** Money on a sold package: payments, refunds, receipts and the finance page. */

export const moneyEn = {
  amount: 'Amount',
  amountInvalid: 'Enter an amount with at most two decimals, e.g. 1500 or 1500.50.',
  amountNotPositive: 'Enter an amount above zero.',
  amountOverBalance: 'This is more than the balance due ({balance}).',
  amountOverPaid: 'This is more than was paid ({paid}).',
  discountOverPrice: 'The discount cannot be more than the price.',
  discountReasonRequired: 'Give the reason for the discount.',
  paymentMethod: 'Method',
  method_CASH: 'Cash',
  method_CARD: 'Card',
  method_BANK_TRANSFER: 'Bank transfer',
  paymentReference: 'Reference (optional)',
  refundReason: 'Reason for the refund',
};

export const moneyAr: Record<keyof typeof moneyEn, string> = {
  amount: 'المبلغ',
  amountInvalid: 'أدخل مبلغاً بخانتين عشريتين على الأكثر، مثل 1500 أو 1500.50.',
  amountNotPositive: 'أدخل مبلغاً أكبر من صفر.',
  amountOverBalance: 'هذا أكثر من المبلغ المستحق ({balance}).',
  amountOverPaid: 'هذا أكثر من المبلغ المدفوع ({paid}).',
  discountOverPrice: 'لا يمكن أن يتجاوز الخصم السعر.',
  discountReasonRequired: 'اذكر سبب الخصم.',
  paymentMethod: 'طريقة الدفع',
  method_CASH: 'نقداً',
  method_CARD: 'بطاقة',
  method_BANK_TRANSFER: 'تحويل بنكي',
  paymentReference: 'المرجع (اختياري)',
  refundReason: 'سبب الاسترداد',
};
