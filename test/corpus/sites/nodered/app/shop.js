// Acme Shop frontend helpers (first-party script).
function loadOrders(list) {
  return fetch('/api/orders')
    .then(function (r) { if (!r.ok) throw new Error('orders ' + r.status); return r.json(); })
    .then(function (orders) {
      list.innerHTML = '';
      orders.forEach(function (o) {
        var li = document.createElement('li');
        li.textContent = 'Order ' + o.id + ' · ' + o.items + ' items · ' + o.status;
        list.appendChild(li);
      });
    })
    .catch(function () { list.innerHTML = '<li>Orders could not be loaded</li>'; });
}
